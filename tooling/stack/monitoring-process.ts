import { spawn, type ChildProcess } from 'node:child_process';

export interface MonitoringProcess {
  /** http://host:port */
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Runs a Prometheus or Alertmanager binary and waits for its /-/ready endpoint: both open their
 * port before they have loaded their configuration, so a listening port is not enough.
 */
export async function startMonitoringProcess(binary: string, args: string[], url: string, onOutput?: (line: string) => void): Promise<MonitoringProcess> {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) onOutput?.(line);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`${binary} exited while starting (exit ${child.exitCode}); see its log`);
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${binary} was not ready at ${url} after 60 s`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    process: child,
    async stop() {
      if (exited) return;
      const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await done;
      clearTimeout(timer);
    },
  };
}
