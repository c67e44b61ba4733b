import { z } from 'zod';
import { ModelPolicyFields } from '../../core/policies/model-policy.ts';

/** A model policy as the policy endpoints answer it: its spec (the same fields a PUT sends) plus name, default flag and time. */
export const PolicySchema = z.object({
  object: z.literal('policy'),
  name: z.string(),
  ...ModelPolicyFields.shape,
  default: z.boolean().describe("Whether it is the tenant's default: used by completions that name no model."),
  updated_at: z.string().meta({ format: 'date-time' }),
});

export type PolicyJson = z.infer<typeof PolicySchema>;
