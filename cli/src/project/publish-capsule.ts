/**
 * Publishing a capsule version without surprises: versions are immutable and names belong to
 * their first publisher, so the version is looked up first — the same content is "already
 * published" (nothing sent), other content is a conflict the user fixes by raising the version.
 */
import type { CapsuleManifest, SomaAgent } from '@somaagent/sdk';
import { APIError, isMissingRoute, isNotFound, NO_RETRY } from '../api.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { includes } from './same-content.ts';

export type CapsuleState = { state: 'new_capsule' } | { state: 'new_version'; latest: string } | { state: 'published' } | { state: 'conflict' };

function unsupported(client: SomaAgent): CliError {
  return new CliError(`the server at ${client.baseURL} does not support capsules (no /v1/capsules routes)`, EXIT.failure, 'Use a newer server, or remove "capsule" from somaagent.json.');
}

/** Where this manifest's version stands on the server. */
export async function capsuleState(client: SomaAgent, manifest: CapsuleManifest): Promise<CapsuleState> {
  let latest: string;
  try {
    latest = (await client.capsules.get(manifest.name)).latest_version;
  } catch (err) {
    if (isMissingRoute(err)) throw unsupported(client);
    if (isNotFound(err)) return { state: 'new_capsule' };
    throw err;
  }
  try {
    const remote = await client.capsules.versions.get(manifest.name, manifest.version);
    return includes(remote, manifest) ? { state: 'published' } : { state: 'conflict' };
  } catch (err) {
    if (isNotFound(err)) return { state: 'new_version', latest };
    throw err;
  }
}

export function conflictError(manifest: CapsuleManifest): CliError {
  return new CliError(`${manifest.name}@${manifest.version} is already published with other content`, EXIT.failure, 'Published versions never change: raise capsule.version in somaagent.json.');
}

/** Sends the manifest; the server's refusals become messages that say what to change. */
export async function publishCapsule(client: SomaAgent, manifest: CapsuleManifest) {
  try {
    return await client.capsules.publish(manifest, NO_RETRY);
  } catch (err) {
    if (err instanceof APIError && err.code === 'capsule_version_exists') throw conflictError(manifest);
    if (err instanceof APIError && err.code === 'capsule_name_taken') {
      throw new CliError(`the capsule name "${manifest.name}" belongs to another tenant`, EXIT.failure, 'Choose another capsule.name in somaagent.json.');
    }
    if (isMissingRoute(err)) throw unsupported(client);
    throw err;
  }
}
