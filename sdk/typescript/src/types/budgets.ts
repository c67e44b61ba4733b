export interface Budget {
  id: string;
  object: 'budget';
  tenant_id: string;
  /** Null for a tenant-wide budget. */
  api_key_id: string | null;
  period: 'day' | 'month';
  limit_usd: number;
  /** `reject` refuses with 402; `downgrade` swaps in the cheapest model that fits. */
  on_exceed: 'reject' | 'downgrade';
  spent_usd: number;
  remaining_usd: number;
  period_start: string;
}

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
