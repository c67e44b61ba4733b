export type RunStatus = 'running' | 'completed' | 'failed' | 'cancelled' | 'terminated' | 'timed_out' | 'continued_as_new' | 'unknown';

/** A run; `Result` types `result`, e.g. `client.runs.get<Completion>(id)` for a completion run. */
export interface Run<Result = unknown> {
  /** The Temporal workflow id. */
  id: string;
  object: 'run';
  /** `completion`, `prompt_experiment`, ... */
  kind: string;
  status: RunStatus;
  model: string | null;
  created_at: string;
  closed_at: string | null;
  /** Once completed: for a completion run, the completion body; otherwise the workflow's result. */
  result?: Result;
  /** Once failed, cancelled or terminated: why (null when no reason is known). */
  error?: { type: string; code: string; message: string } | null;
}

export interface RunListParams {
  /** 1..200, default 50. */
  limit?: number;
  /** Only runs of this kind, e.g. `completion`. */
  kind?: string;
}

export interface RunQueryResult<T = unknown> {
  id: string;
  query: string;
  result: T;
}

export interface RunSignalResult {
  id: string;
  signal: string;
  accepted: true;
}

export interface RunCancelResult {
  id: string;
  status: 'cancel_requested';
}

/** One event of a run's history, summarised (never its inputs or results). */
export interface RunHistoryEvent {
  id: number;
  /** e.g. `activity_task_scheduled`, `workflow_execution_completed`. */
  type: string;
  time: string | null;
  /** The activity or timer the event is about, e.g. `callModel: gpt-4o-mini (fallback 1)`. */
  summary?: string;
  /** A failure's message and type, a retry's attempt, a signal's name. */
  details?: Record<string, unknown>;
}

/** How a followed history ended: `closed` is false when the stream stopped before the run closed. */
export interface RunEventsEnd {
  id: string;
  closed: boolean;
}
