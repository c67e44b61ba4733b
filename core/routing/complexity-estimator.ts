import type { Capability } from './model-spec.ts';

export interface RoutingMessage {
  role: string;
  content: string;
}

/** What the router knows about a request before any model sees it. */
export interface RoutingRequest {
  messages: RoutingMessage[];
  maxTokens?: number;
  /** Capabilities the request needs (tools, vision, jsonMode, streaming). */
  requires?: Capability[];
}

export interface ComplexityEstimate {
  /** 0 (trivial) … 1 (hardest). */
  score: number;
  /** The lowest model tier that should handle the task. */
  tier: 1 | 2 | 3 | 4;
  inputTokens: number;
  /** Expected answer length, for cost estimates. */
  outputTokens: number;
  requires: Capability[];
  /** Each signal that moved the score, e.g. `code: 0.25`. */
  signals: Record<string, number>;
}

/** Pluggable: a learned classifier can replace the heuristic behind the same contract. */
export interface ComplexityEstimator {
  readonly name: string;
  estimate(request: RoutingRequest): ComplexityEstimate;
}

/** Upper score bounds of tiers 1, 2 and 3: a score below `[0]` is tier 1, and so on. */
export type TierThresholds = readonly [number, number, number];

/**
 * Fixed by design, between the kind bases below: lookups (0.05–0.15) | writing and routine code
 * (0.25–0.3) | analysis (0.5, at most 0.75 with modifiers) | proofs (0.8). Not tuned on data: the
 * cost/quality trade-off is the route decision's headroom allowance.
 */
export const DEFAULT_TIER_THRESHOLDS: TierThresholds = [0.2, 0.42, 0.78];

// Every pattern reads at most SCAN characters of a message, so a decision stays in the
// microseconds whatever the request's size; length and context signals use the full size.
const SCAN = 3000;

// What the text contains.
const FENCE = /```[\s\S]*?(```|$)/g;
const CODE_LINE = /^\s*(def |class |function |fn |func |public |private |import |from \S+ import|#include|SELECT |UPDATE |INSERT |DELETE |const |let |var |return\b|if \(|for \(|while |\}|\{$)|[;{]\s*$/m;
const MATH = /\$[^$\n]+\$|\\(frac|sum|int|sqrt)\b|\b[a-z]\s*\^\s*[\d({a-z]|\b(integral|derivative|equations?|polynomial|probability|expected (value|number)|variance|matrix|matrices|eigen\w*|modulo|primes?|integers?|combinatori\w*|asymptotic|theorem|lemma)\b/i;
// What the request asks for.
const SIMPLE = /\b(classify|categori[sz]e|label|tag|extract|translate|detect|spell(ing)?|capitali[sz]e|alphabeti[sz]e|sort|synonym|antonym|opposite of|plural|acronym|abbreviation|stand for|yes or no|true or false|one word|sentiment|mask|redact|rate (the|this)|format (this|the)|count the|capital of|convert \d+|how many (days|hours|minutes|words|letters))\b/i;
// Demands for a very short answer.
const BRIEF = /\b(in (one|a single|two|three|\d+) (sentence|word|line)s?|in under \w+ words|(answer|reply|respond) with|only (the|one)|one word)\b/i;
const SMALL_TALK = /^(?=[^?]{0,60}$)[\s\S]*\b(hi|hello|hey|thanks|thank you|thx|cheers|bye|good (morning|night))\b/i;
const GENERATIVE = /\b(differences? between|how (do|does|should|can|would) (i|we|you)|write|draft|compose|explain|summari[sz]e|rewrite|paraphrase|describe|outline|create|generate|produce|suggest|propose|list|give me|show (me )?(how|the|an?)|convert|turn [\s\S]{1,60}? into|document)\b/i;
const CODE_REQUEST = /\b(function|method|class|query|queries|regex|regular expression|script|program|implement(ation)?|unit tests?|tests for|one-liner|sql|endpoint|algorithm|component|dockerfile|cron|migration|commands?|parser|data structure)\b/i;
// `why` and `reason` alone are common in plain explanations; they count as extra cues only.
const WHY = /\b(why|reasons?|reasoning)\b/i;
const REASONING = /\b(step[- ]by[- ]step|analy[sz]e|analysis|compare|comparison|versus|vs\.?|trade-?offs?|justify|prioriti[sz]e|in what order|whether (we|i|you) should|plan|design|architect(ure)?|debug|diagnose|root cause|optimi[sz]e|evaluate|critique|review (this|the|my|our|these)|strategy|recommend(ation)?|pros and cons|risks?|estimate|threat[- ]model|refactor|reconstruct|contradict\w*|investigate|edge cases|concurren\w+|race conditions?|deadlock|scaling|scalability)\b/i;
const PROOF = /\b(prove|proof|derive|derivation|show that|formally|rigorous(ly)?|(precise|formal|rigorous)( \w+)? argument|induction|lineari[sz]ab\w*|undecidab\w*|np-hard|complexity analysis)\b/i;
// Requirements that make code more than routine.
const ALGORITHMIC = /\b(time complexity|space complexity|memory complexity|O\([^)]{1,12}\)|generics?|generic over|thread-?safe|concurren\w+|lock-free|amorti[sz]ed|in-place|recursi(ve|on)|dynamic programming)\b/i;
// Systems vocabulary: a failure described in these terms is a diagnosis even without code.
const TECHNICAL = /\b(code|memory|heap|cpu|latency|server|service|database|query|thread|process|container|pod|cluster|deploy\w*|build|pipeline|api|endpoint|cache|network|disk|logs?|test suite|tests?)\b/i;
const DEBUG = /\b(fix|bug|fails?|failing|crash\w*|broken|wrong|slow(er)?|times? out|leaks?|deadlocks?|error|exception|went from)\b/i;
// Directive verbs and questions: each is one deliverable of the request.
const ASK = /\b(translate|classify|extract|walk (me )?through|write|draft|explain|summari[sz]e|rewrite|describe|outline|create|generate|produce|suggest|propose|list|give|show|convert|compare|design|plan|analy[sz]e|evaluate|critique|review|recommend|justify|estimate|compute|calculate|find|fix|identify|implement|refactor|prove|derive|argue|sketch|test|choose|decide|say|tell|flag|work out)\b|\?/i;

/** Roughly 4 characters per token for English and code; good enough to rank, not to bill. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

const clamp = (x: number) => Math.max(0, Math.min(1, x));

export function tierForScore(score: number, thresholds: TierThresholds = DEFAULT_TIER_THRESHOLDS): 1 | 2 | 3 | 4 {
  if (score < thresholds[0]) return 1;
  if (score < thresholds[1]) return 2;
  if (score < thresholds[2]) return 3;
  return 4;
}

const ALL = new Map<RegExp, RegExp>();
/** Distinct matches of `re` in `text` (every `?` counts). */
function count(re: RegExp, text: string): number {
  let all = ALL.get(re);
  if (!all) ALL.set(re, (all = new RegExp(re.source, 'gi')));
  const seen = new Set<string>();
  let questions = 0;
  for (const m of text.matchAll(all)) {
    if (m[0] === '?') questions++;
    else seen.add(m[0].toLowerCase());
  }
  return seen.size + questions;
}

/** A question, or a sentence that starts with a directive: what instructions look like. */
const DIRECTIVE_START = new RegExp(`^\\s*(please\\s+|now\\s+|then\\s+)?${ASK.source}`, 'i');
const isDirective = (sentence: string) => /\?\s*$/.test(sentence) || DIRECTIVE_START.test(sentence);
/** Text without quoted strings (a quoted question is material, not a deliverable). */
const unquoted = (text: string) => text.replace(/(?<!\w)(["'“‘«])[^"'“”‘’«»\n]*?(["'”’»])(?!\w)/g, ' ');
const lastSentence = (text: string) => text.trim().split(/(?<=[.!?])\s+/).pop() ?? '';

/**
 * The instruction part of a turn: its first paragraph, and a later paragraph that is a question
 * or a directive — without fenced code, quotations of 40+ characters, and material pasted after
 * a colon ("Summarise this: <text>"), tables, logs or lists. Returns it with the number of code
 * lines seen.
 */
function instructionOf(content: string): { instruction: string; codeLines: number } {
  const text = content.length > SCAN ? content.slice(0, SCAN) : content;
  let codeLines = 0;
  const unfenced = text.replace(FENCE, (block) => {
    codeLines += block.split('\n').length - 2;
    return ' ';
  });
  if (!codeLines && CODE_LINE.test(unfenced)) codeLines = 1;
  const paragraphs = unfenced.split(/\n\s*\n/).filter((p) => p.trim());
  const candidates = paragraphs.length <= 1 ? paragraphs : [paragraphs[0]!, ...paragraphs.slice(1).filter((p) => isDirective(p) && p.length <= 400)];
  const parts = candidates.map((p) => {
    // Long text after an early colon is material, unless it ends with the actual question.
    const colon = p.indexOf(':');
    if (colon > 0 && colon < 200 && p.length - colon > 200) {
      const tail = lastSentence(p.slice(colon + 1));
      return p.slice(0, colon + 1) + (isDirective(tail) ? ` ${tail}` : '');
    }
    // A table, log or list is material; keep its first line in case it is the question.
    return p.split('\n').length > 3 ? p.split('\n')[0]! : p;
  });
  const instruction = parts
    .join('\n')
    .slice(0, 800)
    .replace(/(?<!\w)(["'“‘«])[^"'“”‘’«»\n]{40,}?(["'”’»])(?!\w)/g, ' "…" ');
  return { instruction, codeLines };
}

/** Base score by the hardest kind of work the request asks for (the catalogue's tier scale). */
const KIND = { lookup: 0.05, unknown: 0.15, writing: 0.25, code: 0.3, analysis: 0.5, proof: 0.8 } as const;
/** Modifiers raise a score within and across neighbouring kinds, never by more than this. */
const MODIFIERS_CAP = 0.25;

/**
 * The default estimator: cheap text signals only, so a decision costs microseconds. The kind of
 * work the last user turn's instruction asks for sets a base score — a lookup, a piece of
 * writing, routine code, analysis (design, trade-offs, diagnosis), a proof — and bounded
 * modifiers adjust it: instruction length, number of deliverables, math, code shown, pasted
 * material, overall context size, what earlier turns were about, tools. Weights are round
 * numbers set by hand, not fitted; the one tuned setting of `auto` routing is the route
 * decision's headroom allowance (see route-decision.ts and `npm run bench:routing`).
 */
export const heuristicEstimator: ComplexityEstimator = {
  name: 'heuristic-v2',
  estimate(request) {
    const users = request.messages.filter((m) => m.role === 'user');
    const last = users[users.length - 1]?.content ?? '';
    const inputTokens = request.messages.reduce((n, m) => n + estimateTokens(m.content), 0) + 4 * request.messages.length;
    const signals: Record<string, number> = {};
    const add = (name: string, value: number) => {
      if (value !== 0) signals[name] = Math.round(value * 1000) / 1000;
    };
    const { instruction, codeLines } = instructionOf(last);
    const instructionTokens = estimateTokens(instruction);
    const materialTokens = Math.max(0, estimateTokens(last) - instructionTokens);
    const earlier = users
      .slice(-7, -1)
      .map((m) => (m.content.length > SCAN ? m.content.slice(0, SCAN) : m.content))
      .join('\n');
    const smallTalk = SMALL_TALK.test(last);
    const turns = request.messages.filter((m) => m.role !== 'system').length;

    // The kind of work.
    const reasoningHits = count(REASONING, instruction);
    const debugging =
      DEBUG.test(instruction) && (codeLines > 0 || materialTokens > 100 || TECHNICAL.test(instruction) || DEBUG.test(earlier) || REASONING.test(earlier));
    const asks = count(ASK, unquoted(instruction));
    let kind: keyof typeof KIND = 'unknown';
    if (smallTalk) kind = 'lookup';
    else if (PROOF.test(instruction)) kind = 'proof';
    else if (reasoningHits || debugging) kind = 'analysis';
    else if (CODE_REQUEST.test(instruction)) kind = 'code';
    else if (GENERATIVE.test(instruction)) kind = 'writing';
    // A lookup that also asks for something else (translate and comment, extract and explain) is not one.
    else if ((SIMPLE.test(instruction) || BRIEF.test(instruction)) && asks <= 1) kind = 'lookup';
    else if (SIMPLE.test(instruction)) kind = 'writing';
    add(kind, KIND[kind]);

    // Modifiers (none for small talk: "thanks!" is trivial whatever came before).
    if (smallTalk) return finish(signals, request, inputTokens);
    const mods: Record<string, number> = {};
    mods.length = 0.1 * clamp(Math.log10(Math.max(1, instructionTokens / 8)) / 1.5);
    const cues = reasoningHits + (WHY.test(instruction) ? 1 : 0);
    if (cues > 1) mods.reasoning_cues = Math.min(0.1, 0.05 * (cues - 1));
    if (ALGORITHMIC.test(instruction)) mods.algorithmic = 0.1;
    const items = (instruction.match(/,/g) ?? []).length;
    if (items > 2) mods.requirements = Math.min(0.1, 0.025 * (items - 2));
    if (debugging) mods.debugging = 0.05;
    if (asks > 1) mods.multi_part = Math.min(0.12, 0.04 * (asks - 1));
    if (MATH.test(instruction)) mods.math = 0.1;
    if (codeLines) mods.code = codeLines > 15 ? 0.1 : 0.05;
    // Material the answer has to take into account: pasted into this turn or said in earlier ones.
    const contextTokens = materialTokens + (turns > 2 ? estimateTokens(earlier) : 0);
    if (contextTokens > 150) mods.material = Math.min(0.1, 0.03 * Math.log2(contextTokens / 150));
    if (inputTokens > 8_000) mods.long_context = Math.min(0.15, 0.05 * Math.log2(inputTokens / 4_000));
    if (turns > 2 && earlier) {
      // A follow-up inherits part of what the earlier user turns were about.
      const carried =
        (REASONING.test(earlier) ? 0.05 : 0) + (DEBUG.test(earlier) ? 0.05 : 0) + (PROOF.test(earlier) ? 0.05 : 0) + (earlier.includes('```') ? 0.05 : 0);
      mods.conversation = Math.min(0.1, carried + 0.01 * turns);
    }
    if (request.requires?.includes('tools')) mods.tools = 0.05;
    if ((SIMPLE.test(instruction) || BRIEF.test(instruction)) && kind !== 'lookup' && kind !== 'proof' && kind !== 'analysis') {
      mods.simple_task = materialTokens > 60 ? -0.03 : -0.1;
    }
    const raised = Object.values(mods).reduce((a, b) => a + Math.max(0, b), 0);
    const scale = raised > MODIFIERS_CAP ? MODIFIERS_CAP / raised : 1;
    // Rounded down, so that the rounded signals still sum to at most the cap.
    for (const [name, value] of Object.entries(mods)) add(name, value > 0 ? Math.floor(value * scale * 1000) / 1000 : value);

    return finish(signals, request, inputTokens);
  },
};

function finish(signals: Record<string, number>, request: RoutingRequest, inputTokens: number): ComplexityEstimate {
  const score = clamp(Object.values(signals).reduce((a, b) => a + b, 0));
  const outputTokens = request.maxTokens ?? Math.round(150 + 900 * score);
  return { score, tier: tierForScore(score), inputTokens, outputTokens, requires: [...new Set(request.requires ?? [])], signals };
}
