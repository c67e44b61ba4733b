/**
 * Builds whole tool calls out of streamed pieces. Vendors stream a call as a first piece
 * carrying its id and name, then argument text fragments; parallel calls interleave by index.
 * Adapters feed every piece here and read the finished calls when the stream ends.
 */
import type { ToolCall, ToolCallDelta } from './tool-calling.ts';

export interface ToolCallAssembler {
  add(delta: ToolCallDelta): void;
  /** The calls in index order; empty when none were streamed. */
  calls(): ToolCall[];
}

export function createToolCallAssembler(): ToolCallAssembler {
  const byIndex = new Map<number, { id: string; name: string; arguments: string }>();
  return {
    add(delta) {
      const call = byIndex.get(delta.index) ?? { id: '', name: '', arguments: '' };
      if (delta.id) call.id = delta.id;
      if (delta.name) call.name = delta.name;
      call.arguments += delta.argumentsDelta;
      byIndex.set(delta.index, call);
    },
    calls() {
      return [...byIndex.entries()]
        .sort(([a], [b]) => a - b)
        // A call with no argument text is a call with no arguments.
        .map(([, c]) => ({ id: c.id, name: c.name, arguments: c.arguments === '' ? '{}' : c.arguments }));
    },
  };
}
