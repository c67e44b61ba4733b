/**
 * What one render may spend, and the running account of it: steps (loop iterations, calls,
 * filter applications), wall-clock time, output size and macro depth. The first failure is
 * remembered so the engine can report it as thrown, with its type and code.
 */
import { TemplateRenderError } from './template-errors.ts';

export interface RenderLimits {
  /** Wall-clock time one render may take. */
  timeoutMs: number;
  /** Loop iterations + calls + filter applications in one render. */
  maxSteps: number;
  maxOutputChars: number;
  /** Largest string (or serialized size of a list or object) a template may hold or make. */
  maxValueChars: number;
  /** Longest list a template may make (range(), filters). */
  maxListLength: number;
}

export const DEFAULT_RENDER_LIMITS: RenderLimits = {
  timeoutMs: 100,
  maxSteps: 100_000,
  maxOutputChars: 1_000_000,
  maxValueChars: 1_000_000,
  maxListLength: 10_000,
};

/** The mutable state of one render. */
export class RenderBudget {
  steps = 0;
  /** Macro calls in progress, so runaway recursion fails clearly before the stack does. */
  depth = 0;
  /** Characters produced so far (captured text counts too: a safe over-estimate). */
  produced = 0;
  failure: Error | undefined;
  private readonly deadline: number;
  constructor(readonly limits: RenderLimits) {
    this.deadline = performance.now() + limits.timeoutMs;
  }

  step(): void {
    this.steps++;
    if (this.steps > this.limits.maxSteps) {
      throw this.fail(new TemplateRenderError('too_many_steps', `the render took more than ${this.limits.maxSteps} steps (loop iterations, calls and filters)`));
    }
    if ((this.steps & 63) === 0 && performance.now() > this.deadline) {
      throw this.fail(new TemplateRenderError('timeout', `the render took longer than ${this.limits.timeoutMs} ms`));
    }
  }

  emit(length: number): void {
    this.produced += length;
    if (this.produced > this.limits.maxOutputChars) {
      throw this.fail(new TemplateRenderError('output_too_large', `the render produced more than ${this.limits.maxOutputChars} characters`));
    }
  }

  /** Records the first failure of the render and returns it, for `throw budget.fail(...)`. */
  fail<E extends Error>(error: E): E {
    this.failure ??= error;
    return error;
  }
}
