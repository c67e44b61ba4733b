import type * as Wire from '../generated/api-types.js';

/** One version of a tool in the tenant's registry (HTTP or built-in); never carries a secret value. */
export type Tool = Wire.Tool;

/** What `tools.create` takes: the spec, its name, and labels to point at the new version. */
export type ToolCreateParams = Wire.ToolInput;

/** Which version `tools.get` returns: the latest by default. */
export interface ToolGetParams {
  version?: number;
  label?: string;
}

export interface ToolDeleted {
  object: 'tool';
  name: string;
  deleted: true;
}

/** A tenant secret as listed: its name and dates. The value is write-only. */
export type Secret = Wire.Secret;

export interface SecretDeleted {
  object: 'secret';
  name: string;
  deleted: true;
}
