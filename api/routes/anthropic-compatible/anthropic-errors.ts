import type { ApiError } from '../../api-error.ts';
import { createWireErrorHandler } from '../../middleware/wire-error-handler.ts';
import type { Logger } from '../../../platform/logger.ts';

/** The paths answered in Anthropic's shapes, errors included. */
export const ANTHROPIC_COMPATIBLE_PATHS = ['/v1/messages'];

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
}

/**
 * Anthropic's error body. Its SDK picks the error class by status; `type` uses Anthropic's
 * names, which ours mostly share. An unknown model is a 404 there (NotFoundError), as on
 * OpenAI's API.
 */
export function toAnthropicError(error: ApiError): { status: number; body: AnthropicErrorBody } {
  const status = error.code === 'model_not_found' ? 404 : error.status;
  let type: string = error.type;
  if (status === 404) type = 'not_found_error';
  else if (status === 529 || (status === 503 && error.type === 'provider_error')) type = 'overloaded_error';
  else if (status >= 500) type = 'api_error';
  else if (error.type === 'budget_error' || error.type === 'conflict_error') type = 'invalid_request_error';
  return { status, body: { type: 'error', error: { type, message: error.message } } };
}

/** The error-shape adapter, mounted on ANTHROPIC_COMPATIBLE_PATHS only (api/create-app.ts). */
export const createAnthropicErrorHandler = (logger: Logger) => createWireErrorHandler(logger, toAnthropicError);
