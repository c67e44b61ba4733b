/**
 * Prompt-template shapes shared by the API, the stores, the activities and the workflows.
 * Types only, so workflow bundles stay free of runtime dependencies.
 */

export type ChatRole = 'system' | 'user' | 'assistant';

/** What a version renders: one text, or a list of chat messages (each content is a template). */
export type TemplateContent =
  | { type: 'text'; text: string }
  | { type: 'chat'; messages: Array<{ role: ChatRole; content: string }> };

/** Which version of a template: a number, a label, or neither (`production` when set, else the latest). */
export interface VersionSelector {
  version?: number;
  label?: string;
}

/** The template version a run used: recorded on the run (memo, search attribute) and in its completions row. */
export interface PromptReference {
  name: string;
  version: number;
  /** The label the caller asked for, if any (the version is what it pointed to at the time). */
  label: string | null;
  contentHash: string;
}
