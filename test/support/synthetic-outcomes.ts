import type { OutcomeRecord } from '../../core/routing/outcome-record.ts';
import { seededRandom } from '../../core/routing/seeded-random.ts';

/**
 * Outcomes where the right routing is known by construction: the weak model answers
 * arithmetic and lookups as well as the strong one and fails proofs and design questions
 * (with `noise` of the labels flipped). Costs are measured (`cost_usd`), strong 10× weak.
 */
export function syntheticOutcomes(n: number, seed: number, noise = 0.05): OutcomeRecord[] {
  const random = seededRandom(seed);
  const easy = ['What is {a} plus {b}?', 'Capital of country number {a}?', 'Spell the number {a} in words.', 'Convert {a} meters to centimeters.'];
  const hard = ['Prove that the sum of the first {a} odd numbers is a square, rigorously.', 'Design a distributed lock service for {a} regions and justify the trade-offs.', 'Derive the closed form of recurrence {a} and prove it by induction.', 'Analyze the race condition in scheduler {a} and propose a fix.'];
  const records: OutcomeRecord[] = [];
  for (let i = 0; i < n; i++) {
    const isEasy = random() < 0.6;
    const pool = isEasy ? easy : hard;
    const template = pool[Math.floor(random() * pool.length)]!;
    const prompt = template.replace('{a}', String(Math.floor(random() * 100_000))).replace('{b}', String(i));
    let weakOk = isEasy;
    if (random() < noise) weakOk = !weakOk;
    records.push({
      id: `syn-${i}`,
      prompt,
      source: 'synthetic',
      family: isEasy ? 'easy' : 'hard',
      category: isEasy ? 'easy' : 'hard',
      outcomes: {
        strong: { score: 1, cost_usd: 0.01 },
        weak: { score: weakOk ? 1 : 0, cost_usd: 0.001 },
      },
    });
  }
  return records;
}
