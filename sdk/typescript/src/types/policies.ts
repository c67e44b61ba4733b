import type { RoutingOptions } from './completions.js';

/** Default parameters of a policy; a request's own values win. */
export interface PolicyParameters {
  max_tokens?: number;
  temperature?: number;
}

/** A model policy: one model (or `auto`), or a fallback chain, with routing constraints and defaults. */
export type ModelPolicySpec = ({ model: string; models?: never } | { models: string[]; model?: never }) & {
  routing?: RoutingOptions;
  parameters?: PolicyParameters;
};

export type PolicyPutParams = ModelPolicySpec & {
  /** Make this the tenant's default: used by completions that name no model. */
  default?: boolean;
};

export interface Policy {
  object: 'policy';
  name: string;
  model?: string;
  models?: string[];
  routing?: RoutingOptions;
  parameters?: PolicyParameters;
  default: boolean;
  updated_at: string;
}

export interface PolicyDeleted {
  object: 'policy';
  name: string;
  deleted: true;
}
