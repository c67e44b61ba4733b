/**
 * The one error mapper and the one failure taxonomy, on the real classes: every domain error
 * kind answers with its status, the prompt engine's and the embedder's errors keep the exact
 * answers the routes gave before, and the provider failure table is what the activity's
 * ProviderError and the workflow's retry policy read.
 */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-error.ts';
import { toHttpError } from '../api/error-mapping.ts';
import { EmbeddingModelMissingError } from '../core/embeddings/local-minilm-embedder.ts';
import {
  ConflictError,
  InsufficientBudgetError,
  InvalidRequestError,
  NotFoundError,
  PermissionDeniedError,
  ProviderUnavailableError,
  UnavailableError,
} from '../core/errors/domain-error.ts';
import { TemplateRenderError, VariablesInvalidError } from '../core/prompts/template-errors.ts';
import { ProviderError } from '../core/providers/provider-error.ts';
import { failureClass, NON_RETRYABLE_PROVIDER_FAILURES, PROVIDER_FAILURES, type ProviderErrorKind } from '../core/providers/provider-failures.ts';
import { PromptConflictError, PromptNotFoundError } from '../stores/prompt-templates.ts';

describe('the error mapper', () => {
  it('answers each domain error kind with its status and type, keeping code, message and details', () => {
    const cases = [
      [new InvalidRequestError('bad', 'Bad.', { a: 1 }), 400, 'invalid_request_error'],
      [new NotFoundError('gone', 'Gone.'), 404, 'not_found_error'],
      [new ConflictError('taken', 'Taken.'), 409, 'conflict_error'],
      [new InsufficientBudgetError('budget_exceeded', 'Over.'), 402, 'budget_error'],
      [new PermissionDeniedError('denied', 'No.'), 403, 'permission_error'],
      [new UnavailableError('down', 'Down.'), 503, 'api_error'],
      [new ProviderUnavailableError('provider_not_configured', 'No key.'), 503, 'provider_error'],
    ] as const;
    for (const [err, status, type] of cases) {
      const mapped = toHttpError(err);
      expect([mapped.status, mapped.type, mapped.code, mapped.message]).toEqual([status, type, err.code, err.message]);
      expect(mapped.details).toEqual(err.details);
    }
  });

  it('keeps the prompt engine and store answers the routes gave through their wrappers', () => {
    const render = new TemplateRenderError('undefined_value', 'x is undefined');
    render.line = 3;
    const mapped = toHttpError(render);
    expect(mapped).toMatchObject({ status: 400, type: 'invalid_request_error', code: 'template_render_failed', message: 'The template could not be rendered: x is undefined' });
    expect(mapped.details).toEqual({ reason: 'undefined_value', message: 'x is undefined', line: 3, column: null, template: null });

    const problems = [{ path: 'name', code: 'missing' as const, message: 'is required' }];
    expect(toHttpError(new VariablesInvalidError(problems))).toMatchObject({ status: 400, code: 'variables_invalid', details: problems });
    expect(toHttpError(new PromptNotFoundError('version_not_found', 'No version 9.'))).toMatchObject({ status: 404, type: 'not_found_error', code: 'version_not_found', details: undefined });
    expect(toHttpError(new PromptConflictError('label_conflict', 'Moved.', { current: 2 }))).toMatchObject({ status: 409, type: 'conflict_error', code: 'label_conflict', details: { current: 2 } });
  });

  it('tells SDKs not to retry a missing embedding model: an operator must act', () => {
    const mapped = toHttpError(new EmbeddingModelMissingError('not installed'));
    expect(mapped).toMatchObject({ status: 503, type: 'api_error', code: 'embedding_model_unavailable', message: 'not installed' });
    expect(mapped.headers).toEqual({ 'x-should-retry': 'false' });
  });

  it('passes our own ApiError through and answers anything else with a 500 that leaks nothing', () => {
    const own = new ApiError(418, 'api_error', 'teapot', 'Short and stout.');
    expect(toHttpError(own)).toBe(own);
    expect(toHttpError(new Error('secret detail'))).toMatchObject({ status: 500, code: 'internal_error', message: expect.not.stringContaining('secret') });
    expect(toHttpError(null)).toMatchObject({ status: 500, code: 'internal_error' });
  });
});

describe('the failure taxonomy', () => {
  it('is the one source of the activity retryability and the workflow retry policy', () => {
    const raisedAroundTheCall = new Set<string>(['provider_not_configured', 'circuit_open', 'unpriced_model']);
    for (const kind of Object.keys(PROVIDER_FAILURES).filter((k) => !raisedAroundTheCall.has(k)) as ProviderErrorKind[]) {
      const retryable = new ProviderError('openai', kind, 'x').retryable;
      expect(retryable).toBe(failureClass(kind) === 'retry');
      expect(NON_RETRYABLE_PROVIDER_FAILURES.includes(kind)).toBe(!retryable);
    }
    expect(NON_RETRYABLE_PROVIDER_FAILURES).toEqual(expect.arrayContaining(['circuit_open', 'provider_not_configured', 'unpriced_model']));
  });

  it('hands the provider trouble over, moves a too-long request only to a larger context, stops the rest', () => {
    expect(['rate_limited', 'overloaded', 'server_error', 'timeout', 'connection'].map(failureClass)).toEqual(Array(5).fill('retry'));
    expect(['circuit_open', 'provider_not_configured'].map(failureClass)).toEqual(['hand_over', 'hand_over']);
    expect(failureClass('context_length')).toBe('larger_context');
    expect(['bad_request', 'authentication', 'permission', 'not_found', 'content_policy', 'unpriced_model', 'no_such_kind'].map(failureClass)).toEqual(Array(7).fill('stop'));
  });
});
