/**
 * The one control-plane call the data-plane SDK needs: `GET /indexes/{name}`, which an
 * `index({ name })` client makes once to learn the index host. The emulator serves it on the
 * same port, so `controllerHostUrl` and the index host can be the same URL.
 */

export interface IndexDescription {
  name: string;
  dimension: number;
  /** The data-plane URL, with `http://`: the SDK adds `https://` to a bare host. */
  host: string;
}

export function indexModel(index: IndexDescription) {
  return {
    name: index.name,
    dimension: index.dimension,
    metric: 'cosine',
    host: index.host,
    spec: { serverless: { cloud: 'aws', region: 'us-east-1' } },
    status: { ready: true, state: 'Ready' },
    vector_type: 'dense',
    deletion_protection: 'disabled',
    tags: null,
  };
}

/** The control plane's error shape differs from the data plane's gRPC-style one. */
export function controlPlaneError(status: number, code: string, message: string) {
  return { error: { code, message }, status };
}

/** `GET /indexes` and `GET /indexes/{name}`; undefined for any other path. */
export function controlPlaneAnswer(path: string, index: IndexDescription): { status: number; body: unknown } | undefined {
  if (path === '/indexes') return { status: 200, body: { indexes: [indexModel(index)] } };
  const match = /^\/indexes\/([^/]+)$/.exec(path);
  if (!match) return undefined;
  const name = decodeURIComponent(match[1] as string);
  if (name !== index.name) return { status: 404, body: controlPlaneError(404, 'NOT_FOUND', `Resource ${name} not found`) };
  return { status: 200, body: indexModel(index) };
}
