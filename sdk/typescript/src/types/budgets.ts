import type * as Wire from '../generated/api-types.js';

/** A budget with its spend in the current period (the generated wire type: field docs come from the API's schema). */
export type Budget = Wire.Budget;

export interface BudgetPutParams {
  period: 'day' | 'month';
  limit_usd: number;
  /** Default `reject`. */
  on_exceed?: 'reject' | 'downgrade';
  /** Omit for a tenant-wide budget. */
  api_key_id?: string;
}

export interface BudgetDeleted {
  id: string;
  object: 'budget';
  deleted: true;
}
