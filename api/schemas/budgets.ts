import { z } from 'zod';

/** A budget with its spend in the current period, as the budget endpoints answer it. budgetJson is typed by it. */
export const BudgetSchema = z.object({
  id: z.string(),
  object: z.literal('budget'),
  tenant_id: z.string(),
  api_key_id: z.string().nullable().describe('Null for a tenant-wide budget.'),
  period: z.enum(['day', 'month']),
  limit_usd: z.number(),
  on_exceed: z.enum(['reject', 'downgrade']).describe('`reject` refuses with 402; `downgrade` swaps in the cheapest model that fits.'),
  spent_usd: z.number(),
  remaining_usd: z.number(),
  period_start: z.string().meta({ format: 'date-time' }),
});

export type BudgetJson = z.infer<typeof BudgetSchema>;
