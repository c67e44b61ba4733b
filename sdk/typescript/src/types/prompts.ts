import type * as Wire from '../generated/api-types.js';
import type { ChatMessage, PagedList } from './shared.js';

/** JSON Schema (a subset: type, enum, default, lengths, ranges, items, properties, required). */
export type VariablesSchema = Record<string, unknown>;

/** A version's content: a text template, or chat messages whose contents are templates. */
export type TemplateContent = { text: string; messages?: never } | { messages: ChatMessage[]; text?: never };

export type PromptVersionInput = TemplateContent & {
  variables?: VariablesSchema;
  /** Why this version exists, like a commit message. */
  note?: string;
};

export type PromptCreateParams = PromptVersionInput & {
  /** Lowercase letters, digits, ".", "_" and "-" (unique in the tenant). */
  name: string;
  description?: string;
  /** Labels to point at version 1. */
  labels?: string[];
};

export type PromptVersionCreateParams = PromptVersionInput & {
  /** Labels to move to the new version. */
  labels?: string[];
};

export interface PromptVersion {
  object: 'prompt_template_version';
  template: string;
  version: number;
  /** `sha256:…` of the content and variables schema. */
  content_hash: string;
  type: 'text' | 'chat';
  /** Absent in version lists (which carry no content). */
  text?: string;
  messages?: ChatMessage[];
  variables?: VariablesSchema;
  /** Templates this one includes, imports or extends. */
  references: string[];
  note: string | null;
  created_by: string | null;
  created_at: string;
}

export type PromptLabel = Wire.PromptLabel;

/** `prompts.versions.create` answers with the version, whether it was new, and the labels it moved. */
export interface CreatedPromptVersion extends PromptVersion {
  /** False when the content equalled the latest version (nothing was added). */
  created: boolean;
  labels: PromptLabel[];
}

/** A template as listed (without `latest` or `version`). */
export type PromptTemplate = Omit<Wire.PromptTemplate, 'latest' | 'version'>;

/** `prompts.get`: the template with its latest version. */
export interface PromptTemplateWithLatest extends PromptTemplate {
  latest: PromptVersion;
}

/** `prompts.create`: the template with its version 1. */
export interface CreatedPromptTemplate extends PromptTemplate {
  version: PromptVersion;
}

export interface PromptListParams {
  limit?: number;
  /** Names after this one (the next page). */
  after?: string;
}

export interface PromptVersionListParams {
  limit?: number;
  /** Versions below this one (the next page). */
  before?: number;
}

export type PromptTemplateList = PagedList<PromptTemplate>;
export type PromptVersionList = PagedList<PromptVersion>;

export interface PromptDiff {
  object: 'prompt_template_diff';
  template: string;
  from: number;
  to: number;
  identical: boolean;
  lines_added: number;
  lines_removed: number;
  /** Unified diff of the template text. */
  template_diff: string;
  /** Unified diff of the variables schema. */
  variables_diff: string;
}

export interface PromptLabelMoveParams {
  version: number;
  /** Compare-and-set: move only if the label points here now (null: only if it does not exist yet). */
  expected_version?: number | null;
  reason?: string;
}

export type PromptLabelEvent = Wire.LabelEvent;

/** Which version to render: a label or a version number (default: production, else latest). */
export interface PromptRenderParams {
  label?: string;
  version?: number;
  variables?: Record<string, unknown>;
}

export interface PromptRender {
  object: 'prompt_render';
  template: string;
  version: number;
  label: string | null;
  content_hash: string;
  type: 'text' | 'chat';
  text?: string;
  messages?: ChatMessage[];
}
