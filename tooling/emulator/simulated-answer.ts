/**
 * The deterministic stand-in for a model. Output is labelled `[simulated]` so it can never be
 * mistaken for a real answer, and is a pure function of the request so tests can predict it.
 * Tokens are estimated as whitespace-separated words: cheap, stable, and good enough for
 * budget and usage plumbing.
 */
import type { ChatCall } from './chat-call.ts';
import { objectFor, simulateToolCalls, toolResultsText, type EmulatedToolCall } from './simulated-tool-calls.ts';

/** How many words of the user's message the answer echoes back. */
const ECHO_WORDS = 24;

export type AnswerEnd = 'complete' | 'max_tokens' | 'stop_sequence' | 'tool_use';

export interface SimulatedAnswer {
  text: string;
  /** Stream pieces, one per word; joined they equal `text` exactly, so stream and JSON agree. */
  deltas: string[];
  inputTokens: number;
  outputTokens: number;
  end: AnswerEnd;
  /** The stop sequence that ended the answer, when one did (Anthropic reports it). */
  stopSequence: string | null;
  /** Tools called (end `tool_use`); each wire format names them with ids from `callIds`. */
  toolCalls: EmulatedToolCall[];
}

/** Deterministic call ids: the vendor's prefix, the request's hash and the call's position. */
export function callIds(call: ChatCall, answer: SimulatedAnswer, prefix: 'call' | 'toolu'): string[] {
  return answer.toolCalls.map((_, i) => `${prefix}_${call.key}${i}`);
}

export function countWords(text: string): number {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const space = code === 32 || (code >= 9 && code <= 13);
    if (!space && !inWord) count++;
    inWord = !space;
  }
  return count;
}

function inputTokensOf(call: ChatCall): number {
  let inputTokens = 0;
  for (const prompt of call.promptTexts) inputTokens += countWords(prompt);
  return Math.max(1, inputTokens);
}

export function simulateAnswer(call: ChatCall): SimulatedAnswer {
  const toolCalls = call.lastIsUser ? simulateToolCalls(call.lastUserText, call.tools, call.toolChoice, call.parallelToolCalls) : [];
  if (toolCalls.length > 0) {
    let outputTokens = 0;
    for (const c of toolCalls) outputTokens += 1 + countWords(c.arguments);
    return { text: '', deltas: [], inputTokens: inputTokensOf(call), outputTokens, end: 'tool_use', stopSequence: null, toolCalls };
  }
  const echoed = call.lastUserText.split(/\s+/).filter(Boolean).slice(0, ECHO_WORDS);
  const echo = echoed.length > 0 ? `[simulated] You said: ${echoed.join(' ')}` : '[simulated] You said nothing.';
  let full = echo;
  if (call.toolResults.length > 0) full = toolResultsText(call.toolResults);
  else if (call.jsonSchema !== undefined) {
    // json_object has no schema: the echo goes in an object of its own.
    full = JSON.stringify(call.jsonSchema.properties === undefined ? { answer: echo } : objectFor(call.jsonSchema, call.lastUserText));
  }

  let words = full.split(' ');
  let end: AnswerEnd = 'complete';
  // A real model stops at its token limit first; a stop sequence can only cut what was generated.
  if (call.maxTokens !== undefined && words.length > call.maxTokens) {
    words = words.slice(0, call.maxTokens);
    end = 'max_tokens';
  }
  let text = words.join(' ');

  let stopSequence: string | null = null;
  let cut = -1;
  for (const stop of call.stop) {
    if (!stop) continue;
    const at = text.indexOf(stop);
    if (at !== -1 && (cut === -1 || at < cut)) {
      cut = at;
      stopSequence = stop;
    }
  }
  if (cut !== -1) {
    text = text.slice(0, cut);
    end = 'stop_sequence';
  }

  return {
    text,
    deltas: text === '' ? [] : text.split(' ').map((word, i) => (i === 0 ? word : ` ${word}`)),
    inputTokens: inputTokensOf(call),
    outputTokens: countWords(text),
    end,
    stopSequence,
    toolCalls: [],
  };
}
