import { z } from 'zod';

/**
 * An SLO file in sloth's `prometheus/v1` shape (https://sloth.dev/specs/default/), so the specs
 * in infra/slo/ stay readable to anyone who knows sloth, and sloth itself can cross-check our
 * generator. Only the parts we generate from are accepted; anything else is refused (strict),
 * so a misspelt field never silently changes an alert. Pure (zod only).
 */
const NAME = /^[a-z][a-z0-9-]{1,62}$/;
const ALERT_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;
const LabelMap = z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/), z.string());
/** A PromQL expression over `{{.window}}`, sloth's placeholder for the rate window. */
const WindowedQuery = z
  .string()
  .min(1)
  .refine((q) => q.includes('{{.window}}'), 'must use {{.window}} as its range, e.g. rate(x[{{.window}}])');

const SeverityAlert = z.object({ labels: LabelMap.default({}), annotations: LabelMap.default({}), disable: z.boolean().default(false) }).strict();

export const SloSchema = z
  .object({
    name: z.string().regex(NAME, 'lowercase letters, digits and "-"'),
    /** Percent of good events, e.g. 99.9. */
    objective: z.number().gt(0).lt(100),
    description: z.string().min(1),
    labels: LabelMap.default({}),
    sli: z
      .object({
        events: z.object({ error_query: WindowedQuery, total_query: WindowedQuery }).strict(),
      })
      .strict(),
    alerting: z
      .object({
        name: z.string().regex(ALERT_NAME, 'a Prometheus alert name'),
        labels: LabelMap.default({}),
        annotations: LabelMap.default({}),
        page_alert: SeverityAlert.default({ labels: {}, annotations: {}, disable: false }),
        ticket_alert: SeverityAlert.default({ labels: {}, annotations: {}, disable: false }),
      })
      .strict(),
  })
  .strict();
export type Slo = z.infer<typeof SloSchema>;

export const SloFileSchema = z
  .object({
    version: z.literal('prometheus/v1'),
    service: z.string().regex(NAME, 'lowercase letters, digits and "-"'),
    labels: LabelMap.default({}),
    slos: z.array(SloSchema).min(1),
  })
  .strict();
export type SloFile = z.infer<typeof SloFileSchema>;

/** One SLO with its service, as the generator, the status endpoint and the dashboard use it. */
export interface SloDefinition extends Slo {
  service: string;
  /** The service's labels, then the SLO's own. */
  serviceLabels: Record<string, string>;
  /** 1 - objective, as a ratio (0.001 for 99.9), rounded so PromQL sees the decimal written. */
  errorBudget: number;
}

/** Rounds away binary noise (100 - 99.9 is 0.0999999999999943): the rules carry exact decimals. */
export const decimal = (x: number) => Number(x.toPrecision(10));

/** Flattens parsed files into SLOs; an SLO name must be unique across all files (it is the `slo` label). */
export function sloDefinitions(files: readonly SloFile[]): SloDefinition[] {
  const seen = new Set<string>();
  const out: SloDefinition[] = [];
  for (const file of files) {
    for (const slo of file.slos) {
      if (seen.has(slo.name)) throw new Error(`SLO "${slo.name}" is defined twice; SLO names are the slo label and must be unique`);
      seen.add(slo.name);
      out.push({ ...slo, service: file.service, serviceLabels: { ...file.labels, ...slo.labels }, errorBudget: decimal((100 - slo.objective) / 100) });
    }
  }
  return out;
}
