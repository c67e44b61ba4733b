import type { ApiError } from '../../api-error.ts';
import { createWireErrorHandler } from '../../middleware/wire-error-handler.ts';
import type { Logger } from '../../../platform/logger.ts';

/** OpenAI's error body: what its SDKs parse into `APIError.message`, `.type`, `.param`, `.code`. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** The paths answered in OpenAI's shapes (errors included); the rest of the API keeps its own. */
export const OPENAI_COMPATIBLE_PATHS = ['/v1/chat/completions', '/v1/embeddings'];

/**
 * OpenAI's `type` values are few; its SDKs pick the error class by status, so the status is what
 * must be right and `type` only has to be one a client has seen from OpenAI.
 */
function openAiType(status: number, ours: ApiError['type']): string {
  if (status === 429) return 'rate_limit_error';
  if (status === 401) return 'invalid_request_error';
  if (status === 403) return 'permission_error';
  if (status >= 500) return ours === 'provider_error' ? 'server_error' : 'api_error';
  if (status === 402) return 'insufficient_quota';
  return 'invalid_request_error';
}

/**
 * Our status and code, adjusted where OpenAI answers differently: an unknown model is a 404
 * `model_not_found` there (the SDK's NotFoundError), and a missing key is `invalid_api_key` too.
 */
export function toOpenAiError(error: ApiError): { status: number; body: OpenAiErrorBody } {
  const status = error.code === 'model_not_found' ? 404 : error.status;
  const code = error.code === 'missing_api_key' ? 'invalid_api_key' : error.code === 'provider_rate_limited' ? 'rate_limit_exceeded' : error.code;
  // A validation failure names the first field at fault, as OpenAI's `param` does.
  const first = Array.isArray(error.details) ? (error.details[0] as { path?: unknown } | undefined) : undefined;
  const param = typeof first?.path === 'string' && first.path !== '' ? first.path : null;
  return { status, body: { error: { message: error.message, type: openAiType(status, error.type), param, code } } };
}

/** The error-shape adapter, mounted on OPENAI_COMPATIBLE_PATHS only (api/create-app.ts); a stream's error event uses toOpenAiError. */
export const createOpenAiErrorHandler = (logger: Logger) => createWireErrorHandler(logger, toOpenAiError);
