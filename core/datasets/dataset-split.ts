/**
 * The train/validation split is a function of each example's content hash and a seed, not of
 * its position: the same rows always land on the same side, rebuilding a dataset gives the same
 * split, and adding rows later never moves an existing row across.
 */
export function isValidationRow(contentHash: string, validationFraction: number, seed: string): boolean {
  if (validationFraction <= 0) return false;
  let h = 0x811c9dc5;
  const key = `${seed}:${contentHash}`;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // Fold the high bits down so the low bits used below depend on the whole key.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0) / 0x1_0000_0000 < validationFraction;
}
