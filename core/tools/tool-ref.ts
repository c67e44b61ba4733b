/**
 * How an agent names a tool: `name` (the latest version), `name@3` (a version), `name@prod` (a
 * label). Pure: the agent workflow parses the same way.
 */
import { TOOL_NAME } from './tool-spec.ts';

export interface ToolRef {
  name: string;
  version?: number;
  label?: string;
}

const LABEL = /^[a-z][a-z0-9_-]{0,31}$/;

export function parseToolRef(ref: string): ToolRef | undefined {
  const at = ref.lastIndexOf('@');
  const name = at < 0 ? ref : ref.slice(0, at);
  if (!TOOL_NAME.test(name)) return undefined;
  if (at < 0) return { name };
  const suffix = ref.slice(at + 1);
  if (/^[1-9][0-9]{0,8}$/.test(suffix)) return { name, version: Number(suffix) };
  if (LABEL.test(suffix)) return { name, label: suffix };
  return undefined;
}
