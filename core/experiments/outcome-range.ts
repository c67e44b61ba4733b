/**
 * The values an experiment outcome may take. A score of a trillion is already far beyond any
 * real metric; the bound keeps every sum of squares the statistics need within a double (a
 * 1e200 outcome once overflowed the variance and jammed the experiment). The API refuses values
 * outside it; the analysis quarantines stored ones (written before the bound existed).
 */
export const MAX_OUTCOME_MAGNITUDE = 1e12;

export function isUsableOutcome(value: number): boolean {
  return Number.isFinite(value) && Math.abs(value) <= MAX_OUTCOME_MAGNITUDE;
}
