import { createHash } from 'node:crypto';
import { estimateTokens } from '../routing/complexity-estimator.ts';
import type { TrainingExample } from './training-example.ts';
import { createPiiScrubber, type PiiCounts } from './pii-scrubber.ts';
import type { PiiRule } from './pii-rules.ts';
import { DEFAULT_PII_RULES } from './pii-rules.ts';
import { createNearDuplicateIndex, NEAR_DUPLICATE_THRESHOLD } from './minhash-deduplicator.ts';
import { trainingTokenLimit } from './training-limits.ts';
import { isValidationRow } from './dataset-split.ts';

export interface CleaningOptions {
  /** Replace personal data and secrets with placeholders (on by default). */
  scrubPii?: boolean;
  piiRules?: readonly PiiRule[];
  /** Drop exact and near-duplicate examples (on by default). */
  dedupe?: boolean;
  nearDuplicateThreshold?: number;
  /** Drops examples longer than this model's training limit. */
  baseModel?: string;
  /** Overrides the model's limit. */
  maxTokensPerExample?: number;
  /** 0..0.5; 0.1 by default. */
  validationFraction?: number;
  /** Changes which rows go to validation; the same seed always gives the same split. */
  splitSeed?: string;
}

export interface CleanedRow {
  example: TrainingExample;
  split: 'train' | 'validation';
  tokens: number;
  /** sha256 of the example as kept (after scrubbing). */
  hash: string;
}

export interface CleaningReport {
  input_rows: number;
  exact_duplicates: number;
  near_duplicates: number;
  near_duplicate_method: string;
  over_token_limit: number;
  token_limit: number;
  pii_replacements: PiiCounts;
  rows: number;
  train_rows: number;
  validation_rows: number;
  train_tokens: number;
  validation_tokens: number;
  validation_fraction: number;
  split_seed: string;
}

export interface CleanedDataset {
  rows: CleanedRow[];
  report: CleaningReport;
  /** sha256 over every kept row's hash and split, in order: the dataset version's identity. */
  contentHash: string;
}

/** Tokens of one example as chat fine-tuning counts them, roughly: text plus ~4 per message. */
export const exampleTokens = (e: TrainingExample) => e.messages.reduce((n, m) => n + estimateTokens(m.content) + 4, 2);

const exampleText = (e: TrainingExample) => e.messages.map((m) => m.content).join('\n');

/**
 * The cleaning pipeline, in the order that makes each step honest: scrub first (so two rows
 * that differ only by an email are exact duplicates afterwards, and no stored row holds PII),
 * then exact duplicates by hash, near-duplicates by MinHash, the model's token limit, and the
 * deterministic split. Order of the input is kept: the first of a duplicate group survives.
 */
export function cleanDataset(examples: Iterable<TrainingExample>, options: CleaningOptions = {}): CleanedDataset {
  const scrub = options.scrubPii ?? true;
  const dedupe = options.dedupe ?? true;
  const threshold = options.nearDuplicateThreshold ?? NEAR_DUPLICATE_THRESHOLD;
  const limit = options.maxTokensPerExample ?? trainingTokenLimit(options.baseModel);
  const fraction = options.validationFraction ?? 0.1;
  const seed = options.splitSeed ?? 'somaagent';
  const scrubber = createPiiScrubber(options.piiRules ?? DEFAULT_PII_RULES);
  const nearIndex = createNearDuplicateIndex(threshold);
  const seen = new Set<string>();
  const pii: PiiCounts = {};
  const rows: CleanedRow[] = [];
  const total = createHash('sha256');
  const report: CleaningReport = {
    input_rows: 0,
    exact_duplicates: 0,
    near_duplicates: 0,
    near_duplicate_method: dedupe ? `minhash word-3-shingles, 128 hashes, 16 bands of 8, jaccard >= ${threshold}` : 'off',
    over_token_limit: 0,
    token_limit: limit,
    pii_replacements: pii,
    rows: 0,
    train_rows: 0,
    validation_rows: 0,
    train_tokens: 0,
    validation_tokens: 0,
    validation_fraction: fraction,
    split_seed: seed,
  };
  for (const input of examples) {
    report.input_rows++;
    const example: TrainingExample = scrub
      ? { messages: input.messages.map((m) => ({ ...m, content: scrubber.scrub(m.content, pii) })) }
      : input;
    const json = JSON.stringify(example);
    const hash = createHash('sha256').update(json).digest('hex');
    if (dedupe) {
      if (seen.has(hash)) {
        report.exact_duplicates++;
        continue;
      }
      seen.add(hash);
    }
    const tokens = exampleTokens(example);
    if (tokens > limit) {
      report.over_token_limit++;
      continue;
    }
    if (dedupe && nearIndex.seenSimilar(exampleText(example))) {
      report.near_duplicates++;
      continue;
    }
    const split = isValidationRow(hash, fraction, seed) ? 'validation' : 'train';
    rows.push({ example, split, tokens, hash });
    total.update(`${hash}:${split}\n`);
    if (split === 'train') {
      report.train_rows++;
      report.train_tokens += tokens;
    } else {
      report.validation_rows++;
      report.validation_tokens += tokens;
    }
  }
  report.rows = rows.length;
  return { rows, report, contentHash: total.digest('hex') };
}
