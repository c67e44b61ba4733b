import { describe, expect, it } from 'vitest';
import { validateTrainingJsonl } from '../core/datasets/jsonl-validation.ts';
import { createPiiScrubber } from '../core/datasets/pii-scrubber.ts';
import { passesLuhn } from '../core/datasets/pii-rules.ts';
import { cleanDataset } from '../core/datasets/clean-dataset.ts';
import type { TrainingExample } from '../core/datasets/training-example.ts';

const ex = (user: string, assistant: string): TrainingExample => ({
  messages: [
    { role: 'user', content: user },
    { role: 'assistant', content: assistant },
  ],
});

describe('uploaded JSONL is validated line by line', () => {
  it('reports every bad line with its 1-based number and keeps nothing', () => {
    const good = JSON.stringify(ex('hi', 'hello'));
    const text = [
      good,
      '{not json',
      JSON.stringify({ messages: [{ role: 'user', content: 'only a question' }, { role: 'user', content: 'still no answer' }] }),
      '',
      JSON.stringify({ messages: [{ role: 'robot', content: 'x' }, { role: 'assistant', content: 'y' }] }),
      good,
    ].join('\n');
    const result = validateTrainingJsonl(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.line)).toEqual([2, 3, 5]);
    expect(result.errors[0]!.message).toMatch(/not valid JSON/);
    expect(result.errors[1]!.message).toMatch(/assistant/);
    expect(result.errors[2]!.message).toMatch(/role/);
  });

  it('accepts a valid file with a trailing newline', () => {
    const result = validateTrainingJsonl(`${JSON.stringify(ex('a', 'b'))}\n${JSON.stringify(ex('c', 'd'))}\n`);
    expect(result.ok && result.examples.length).toBe(2);
  });
});

describe('PII scrubbing', () => {
  it('replaces emails, phones, Luhn-valid cards, API keys and IPs, and counts each', () => {
    const counts: Record<string, number> = {};
    const scrubber = createPiiScrubber();
    const out = scrubber.scrub(
      'Mail jane.doe@example.com or call +44 20 7946 0958 or (555) 123-4567. Card 4111 1111 1111 1111, order 4111 1111 1111 1112. ' +
        'Key sk-proj-abcdefghijklmnopqrstuvwx, AWS AKIAABCDEFGHIJKLMNOP. From 192.168.10.20 and 2001:db8:85a3::8a2e:370:7334 at 12:30, version 1.2.3.',
      counts,
    );
    expect(out).not.toMatch(/jane|7946|123-4567|4111 1111 1111 1111|sk-proj|AKIA|192\.168|2001:db8/);
    expect(out).toContain('order 4111 1111 1111 1112'); // fails Luhn: not a card
    expect(out).toContain('at 12:30');
    expect(out).toContain('version 1.2.3');
    expect(counts).toEqual({ email: 1, phone: 2, card_number: 1, api_key: 2, ip_address: 2 });
  });

  it('runs pluggable rules', () => {
    const counts: Record<string, number> = {};
    const scrubber = createPiiScrubber([{ name: 'employee_id', pattern: /\bEMP-\d{6}\b/g, replacement: '[EMPLOYEE]' }]);
    expect(scrubber.scrub('ask EMP-123456 please', counts)).toBe('ask [EMPLOYEE] please');
    expect(counts).toEqual({ employee_id: 1 });
  });

  it('Luhn', () => {
    expect(passesLuhn('4242424242424242')).toBe(true);
    expect(passesLuhn('4242424242424241')).toBe(false);
  });
});

describe('cleaning: dedup, token limit, deterministic split', () => {
  const answer = 'The refund policy allows returns within thirty days of purchase when the item is unused and in its original packaging with the receipt, and the money goes back to the card you paid with within five working days of the warehouse confirming that the parcel has arrived safely';
  it('drops exact duplicates (also those equal after scrubbing) and MinHash near-duplicates', () => {
    const rows = [
      ex('What is the refund policy? I am bob@example.com', answer),
      ex('What is the refund policy? I am alice@example.com', answer), // equal after scrubbing
      ex('What is the refund policy?', answer.replace('thirty', '30')), // one word changed: near-duplicate
      ex('How do I reset my password?', 'Open settings, choose security, then reset password and follow the link we email you within a few minutes'),
      ex('What is the refund policy?', 'We do not offer refunds on digital goods once they have been downloaded to any device'),
    ];
    const { rows: kept, report } = cleanDataset(rows);
    expect(report.input_rows).toBe(5);
    expect(report.exact_duplicates).toBe(1);
    expect(report.near_duplicates).toBe(1);
    expect(report.pii_replacements).toEqual({ email: 2 });
    expect(kept).toHaveLength(3);
    expect(JSON.stringify(kept)).not.toMatch(/@example\.com/);
  });

  it('drops examples over the token limit and splits the same way every time', () => {
    const rows = Array.from({ length: 400 }, (_, i) => ex(`question number ${i} about topic ${i * 7}`, `distinct answer ${i} ${'x'.repeat(i % 13)} about ${i * 31}`));
    rows.push(ex('long', 'y'.repeat(5000)));
    const a = cleanDataset(rows, { maxTokensPerExample: 1000, dedupe: false });
    const b = cleanDataset([...rows], { maxTokensPerExample: 1000, dedupe: false });
    expect(a.report.over_token_limit).toBe(1);
    expect(a.contentHash).toBe(b.contentHash);
    expect(a.rows.map((r) => r.split)).toEqual(b.rows.map((r) => r.split));
    expect(a.report.validation_rows).toBeGreaterThan(20);
    expect(a.report.validation_rows).toBeLessThan(65);
    // Adding rows never moves an existing row across the split.
    const c = cleanDataset([...rows, ex('new', 'row')], { maxTokensPerExample: 1000, dedupe: false });
    expect(c.rows.slice(0, a.rows.length).map((r) => r.split)).toEqual(a.rows.map((r) => r.split));
    const d = cleanDataset(rows, { maxTokensPerExample: 1000, dedupe: false, splitSeed: 'other' });
    expect(d.contentHash).not.toBe(a.contentHash);
  });
});
