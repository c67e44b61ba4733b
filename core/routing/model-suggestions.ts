/** How many registry ids an unknown-model error offers: enough to spot a typo, few enough to read. */
const MAX_SUGGESTIONS = 3;

/** Levenshtein distance; ids are at most 200 characters, so the quadratic table stays small. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

function commonPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/**
 * The registry ids closest to an unknown one, best first: `claude-sonnet-4-5` suggests
 * `claude-sonnet-4-6`. Ranked by edit distance, ties broken by the longer shared prefix (same
 * vendor family), then by id. Only near ids are offered: a typo's, or the same family's
 * (three leading characters in common); a name far from everything gets no suggestion.
 */
export function suggestModels(unknown: string, known: readonly string[]): string[] {
  const wanted = unknown.toLowerCase();
  return known
    .map((id) => ({ id, distance: editDistance(wanted, id.toLowerCase()), prefix: commonPrefix(wanted, id.toLowerCase()) }))
    .filter((c) => c.prefix >= 3 || c.distance <= Math.max(2, Math.floor(wanted.length / 3)))
    .sort((a, b) => a.distance - b.distance || b.prefix - a.prefix || a.id.localeCompare(b.id))
    .slice(0, MAX_SUGGESTIONS)
    .map((c) => c.id);
}
