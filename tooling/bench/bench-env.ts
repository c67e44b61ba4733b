/** A benchmark knob from the environment: an integer in range, or the default when unset. */
export function intEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
  }
  return value;
}

/**
 * A benchmark knob that lists integers (`BENCH_SIZES=100_000,1_000_000`): each in range, up to
 * 10 of them, underscores allowed as digit separators; the default when unset or blank.
 */
export function intListEnv(name: string, fallback: number[], min: number, max: number): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const values = raw.split(',').map((v) => Number(v.trim().replace(/_/g, '')));
  if (values.length > 10 || values.some((v) => !Number.isInteger(v) || v < min || v > max)) {
    throw new Error(`${name} must be a comma-separated list of up to 10 integers in ${min}..${max} (got "${raw}")`);
  }
  return values;
}
