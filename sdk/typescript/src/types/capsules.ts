import type * as Wire from '../generated/api-types.js';
import type { ChatMessage } from './shared.js';
import type { ModelPolicySpec } from './policies.js';
import type { PromptVersionInput } from './prompts.js';
import type { ToolCreateParams } from './tools.js';
import type { AgentCreateParams } from './agents.js';

/** A tool a capsule ships: a tool spec with its name (auth names a secret each tenant sets itself). */
export type CapsuleTool = Omit<ToolCreateParams, 'labels'>;

/** A prompt template a capsule carries; the install points `labels` at its version. */
export type CapsulePrompt = PromptVersionInput & {
  name: string;
  labels?: string[];
};

export interface CapsuleEvaluationCase {
  name: string;
  /** Variables for the capsule's first prompt template. */
  variables?: Record<string, unknown>;
  messages?: ChatMessage[];
  expect?: { contains?: string[] };
}

/** What `capsules.publish` takes: a versioned bundle of prompts, a model policy, tools and an evaluation set. */
export interface CapsuleManifest {
  /** Also the name of the model policy an install creates. */
  name: string;
  /** A semantic version, e.g. 1.2.0 or 2.0.0-beta.1; versions are immutable. */
  version: string;
  description?: string;
  prompts?: CapsulePrompt[];
  model_policy: ModelPolicySpec;
  required_tools?: string[];
  /** Tools the install writes into the tenant's registry (installing them needs an admin key). */
  tools?: CapsuleTool[];
  /** Agent definitions the install writes (a new version only when the definition changed). */
  agents?: AgentCreateParams[];
  evaluation?: { cases?: CapsuleEvaluationCase[] };
}

export interface CapsuleVersion {
  object: 'capsule_version';
  name: string;
  version: string;
  description: string;
  prompts: CapsulePrompt[];
  model_policy: ModelPolicySpec;
  required_tools: string[];
  tools?: CapsuleTool[];
  agents?: AgentCreateParams[];
  evaluation: { cases: CapsuleEvaluationCase[] };
  content_hash: string;
  publisher_tenant_id: string;
  created_at: string;
}

export type Capsule = Wire.Capsule;

export interface CapsuleInstallParams {
  /** Default: the newest version. */
  version?: string;
}

/** An install as listed by `capsules.listInstalled`. */
export type InstalledCapsule = Pick<Wire.CapsuleInstall, 'object' | 'name' | 'version' | 'installed_at'>;

/** The answer of `capsules.install`: what it put in the tenant. */
export type CapsuleInstall = Required<Wire.CapsuleInstall>;
