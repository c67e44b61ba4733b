/**
 * The deterministic stand-in for a model. Output is labelled `[simulated]` so it can never be
 * mistaken for a real answer, and is a pure function of the request so tests can predict it.
 * Tokens are estimated as whitespace-separated words: cheap, stable, and good enough for
 * budget and usage plumbing.
 */
import type { ChatCall } from './chat-call.ts';

/** How many words of the user's message the answer echoes back. */
const ECHO_WORDS = 24;

export type AnswerEnd = 'complete' | 'max_tokens' | 'stop_sequence';

export interface SimulatedAnswer {
  text: string;
  /** Stream pieces, one per word; joined they equal `text` exactly, so stream and JSON agree. */
  deltas: string[];
  inputTokens: number;
  outputTokens: number;
  end: AnswerEnd;
  /** The stop sequence that ended the answer, when one did (Anthropic reports it). */
  stopSequence: string | null;
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

export function simulateAnswer(call: ChatCall): SimulatedAnswer {
  const echoed = call.lastUserText.split(/\s+/).filter(Boolean).slice(0, ECHO_WORDS);
  const full = echoed.length > 0 ? `[simulated] You said: ${echoed.join(' ')}` : '[simulated] You said nothing.';

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

  let inputTokens = 0;
  for (const prompt of call.promptTexts) inputTokens += countWords(prompt);

  return {
    text,
    deltas: text === '' ? [] : text.split(' ').map((word, i) => (i === 0 ? word : ` ${word}`)),
    inputTokens: Math.max(1, inputTokens),
    outputTokens: countWords(text),
    end,
    stopSequence,
  };
}
