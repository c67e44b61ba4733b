/**
 * Whether what the server holds matches what a project would send. The server may add fields
 * (ids, timestamps, defaults it filled in), so every field we send must be there and equal,
 * recursively; fields only the server has are ignored. Array order matters.
 */
export function includes(remote: unknown, local: unknown): boolean {
  if (local === undefined) return true;
  if (Array.isArray(local)) {
    return Array.isArray(remote) && remote.length === local.length && local.every((item, i) => includes(remote[i], item));
  }
  if (local !== null && typeof local === 'object') {
    if (remote === null || typeof remote !== 'object' || Array.isArray(remote)) return false;
    return Object.entries(local as Record<string, unknown>).every(([key, value]) => includes((remote as Record<string, unknown>)[key], value));
  }
  return Object.is(remote, local);
}
