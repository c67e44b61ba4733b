import type pg from 'pg';
import type { TemplateContent, VersionSelector } from '../core/prompts/prompt-types.ts';
import { ConflictError, NotFoundError } from '../core/errors/domain-error.ts';
import { newId } from '../platform/ids.ts';
import type { VariablesSchema } from '../core/prompts/variables-schema.ts';
import type { Pool } from '../platform/db/pool.ts';
import { withTransaction } from '../platform/db/transaction.ts';

/** The label a template resolves to when the caller names neither a version nor a label. */
export const DEFAULT_LABEL = 'production';

export interface PromptTemplate {
  id: string;
  tenantId: string;
  name: string;
  description: string;
  latestVersion: number;
  /** label → version */
  labels: Record<string, number>;
  createdAt: Date;
  updatedAt: Date;
}

export interface PromptVersion {
  templateId: string;
  tenantId: string;
  name: string;
  version: number;
  contentHash: string;
  content: TemplateContent;
  variables: VariablesSchema;
  references: string[];
  note: string | null;
  createdBy: string | null;
  createdAt: Date;
}

export interface LabelEvent {
  id: string;
  label: string;
  fromVersion: number | null;
  toVersion: number | null;
  actor: string;
  reason: string | null;
  createdAt: Date;
}

export interface LabelMove {
  label: string;
  fromVersion: number | null;
  toVersion: number | null;
  /** False when the label already pointed there (nothing written, no audit event). */
  moved: boolean;
}

/** What a new version is made of, already checked (activities/prompts/template-definition.ts). */
export interface NewVersion {
  content: TemplateContent;
  variables: VariablesSchema;
  contentHash: string;
  references: string[];
  note?: string | undefined;
  createdBy: string;
}

export class PromptNotFoundError extends NotFoundError {
  override readonly name = 'PromptNotFoundError';
  constructor(code: 'template_not_found' | 'version_not_found' | 'label_not_found', message: string) {
    super(code, message);
  }
}

export class PromptConflictError extends ConflictError {
  override readonly name = 'PromptConflictError';
  constructor(code: 'template_exists' | 'label_conflict', message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }
}

interface VersionRow {
  template_id: string;
  tenant_id: string;
  name: string;
  version: number;
  content_hash: string;
  template_type: 'text' | 'chat';
  body: string | null;
  messages: Array<{ role: 'system' | 'user' | 'assistant'; content: string }> | null;
  variables_schema: VariablesSchema;
  template_refs: string[];
  note: string | null;
  created_by: string | null;
  created_at: Date;
}

interface TemplateRow {
  id: string;
  tenant_id: string;
  name: string;
  description: string;
  latest_version: number;
  labels: Record<string, number>;
  created_at: Date;
  updated_at: Date;
}

const VERSION_COLUMNS = `v.template_id, v.tenant_id, t.name, v.version, v.content_hash, v.template_type, v.body, v.messages,
  v.variables_schema, v.template_refs, v.note, v.created_by, v.created_at`;

const TEMPLATE_COLUMNS = `t.id, t.tenant_id, t.name, t.description, t.created_at, t.updated_at,
  (SELECT max(version) FROM prompt_template_versions v WHERE v.template_id = t.id) AS latest_version,
  COALESCE((SELECT jsonb_object_agg(l.label, l.version) FROM prompt_labels l WHERE l.template_id = t.id), '{}'::jsonb) AS labels`;

function toVersion(row: VersionRow): PromptVersion {
  return {
    templateId: row.template_id,
    tenantId: row.tenant_id,
    name: row.name,
    version: row.version,
    contentHash: row.content_hash,
    content: row.template_type === 'text' ? { type: 'text', text: row.body ?? '' } : { type: 'chat', messages: row.messages ?? [] },
    variables: row.variables_schema,
    references: row.template_refs,
    note: row.note,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

function toTemplate(row: TemplateRow): PromptTemplate {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    description: row.description,
    latestVersion: row.latest_version,
    labels: row.labels,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

type Queryable = Pick<pg.PoolClient, 'query'>;

async function lockTemplate(db: Queryable, tenantId: string, name: string): Promise<string> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM prompt_templates WHERE tenant_id = $1 AND name = $2 FOR UPDATE', [tenantId, name]);
  if (!rows[0]) throw new PromptNotFoundError('template_not_found', `No prompt template "${name}".`);
  return rows[0].id;
}

async function insertVersion(db: Queryable, templateId: string, tenantId: string, version: number, input: NewVersion): Promise<void> {
  await db.query(
    `INSERT INTO prompt_template_versions (template_id, version, tenant_id, content_hash, template_type, body, messages,
       variables_schema, template_refs, note, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      templateId, version, tenantId, input.contentHash, input.content.type,
      input.content.type === 'text' ? input.content.text : null,
      input.content.type === 'chat' ? JSON.stringify(input.content.messages) : null,
      JSON.stringify(input.variables), input.references, input.note ?? null, input.createdBy,
    ],
  );
}

async function setLabel(
  db: Queryable,
  templateId: string,
  tenantId: string,
  move: { label: string; version: number; expectedVersion?: number | null | undefined; actor: string; reason?: string | undefined },
): Promise<LabelMove> {
  const exists = await db.query('SELECT 1 FROM prompt_template_versions WHERE template_id = $1 AND version = $2', [templateId, move.version]);
  if (exists.rowCount === 0) throw new PromptNotFoundError('version_not_found', `The template has no version ${move.version}.`);
  const { rows } = await db.query<{ version: number }>('SELECT version FROM prompt_labels WHERE template_id = $1 AND label = $2', [templateId, move.label]);
  const current = rows[0]?.version ?? null;
  if (move.expectedVersion !== undefined && move.expectedVersion !== current) {
    throw new PromptConflictError('label_conflict', `Label "${move.label}" points at ${current === null ? 'nothing' : `version ${current}`}, not ${move.expectedVersion === null ? 'nothing' : `version ${move.expectedVersion}`}.`, {
      label: move.label,
      current_version: current,
    });
  }
  if (current === move.version) return { label: move.label, fromVersion: current, toVersion: move.version, moved: false };
  await db.query(
    `INSERT INTO prompt_labels (template_id, label, tenant_id, version, updated_by) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (template_id, label) DO UPDATE SET version = EXCLUDED.version, updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [templateId, move.label, tenantId, move.version, move.actor],
  );
  await db.query(
    `INSERT INTO prompt_label_events (tenant_id, template_id, label, from_version, to_version, actor, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [tenantId, templateId, move.label, current, move.version, move.actor, move.reason ?? null],
  );
  return { label: move.label, fromVersion: current, toVersion: move.version, moved: true };
}

export function createPromptTemplateStore(pool: Pool) {
  async function getTemplate(tenantId: string, name: string): Promise<PromptTemplate | undefined> {
    const { rows } = await pool.query<TemplateRow>(`SELECT ${TEMPLATE_COLUMNS} FROM prompt_templates t WHERE t.tenant_id = $1 AND t.name = $2`, [tenantId, name]);
    return rows[0] ? toTemplate(rows[0]) : undefined;
  }

  /**
   * The version a selector names: a number, a label, or by default the `production` label when
   * set, else the latest version. Throws PromptNotFoundError saying what is missing.
   */
  async function getVersion(tenantId: string, name: string, selector: VersionSelector): Promise<PromptVersion> {
    let rows: VersionRow[];
    if (selector.version !== undefined) {
      ({ rows } = await pool.query<VersionRow>(
        `SELECT ${VERSION_COLUMNS} FROM prompt_templates t JOIN prompt_template_versions v ON v.template_id = t.id
         WHERE t.tenant_id = $1 AND t.name = $2 AND v.version = $3`,
        [tenantId, name, selector.version],
      ));
    } else if (selector.label !== undefined) {
      ({ rows } = await pool.query<VersionRow>(
        `SELECT ${VERSION_COLUMNS} FROM prompt_templates t
         JOIN prompt_labels l ON l.template_id = t.id AND l.label = $3
         JOIN prompt_template_versions v ON v.template_id = t.id AND v.version = l.version
         WHERE t.tenant_id = $1 AND t.name = $2`,
        [tenantId, name, selector.label],
      ));
    } else {
      ({ rows } = await pool.query<VersionRow>(
        `SELECT ${VERSION_COLUMNS} FROM prompt_templates t JOIN prompt_template_versions v ON v.template_id = t.id
         WHERE t.tenant_id = $1 AND t.name = $2 AND v.version = COALESCE(
           (SELECT l.version FROM prompt_labels l WHERE l.template_id = t.id AND l.label = $3),
           (SELECT max(m.version) FROM prompt_template_versions m WHERE m.template_id = t.id))`,
        [tenantId, name, DEFAULT_LABEL],
      ));
    }
    if (rows[0]) return toVersion(rows[0]);
    if (!(await getTemplate(tenantId, name))) throw new PromptNotFoundError('template_not_found', `No prompt template "${name}".`);
    if (selector.version !== undefined) throw new PromptNotFoundError('version_not_found', `Prompt template "${name}" has no version ${selector.version}.`);
    throw new PromptNotFoundError('label_not_found', `Prompt template "${name}" has no label "${selector.label}".`);
  }

  return {
    getTemplate,
    getVersion,

    /** Creates a template with its version 1 and any labels on it; throws template_exists. */
    async createTemplate(input: { tenantId: string; name: string; description: string; version: NewVersion; labels: string[] }): Promise<{ template: PromptTemplate; version: PromptVersion }> {
      await withTransaction(pool, async (db) => {
        const id = newId('pt');
        const inserted = await db.query(
          `INSERT INTO prompt_templates (id, tenant_id, name, description) VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id, name) DO NOTHING`,
          [id, input.tenantId, input.name, input.description],
        );
        if (inserted.rowCount === 0) throw new PromptConflictError('template_exists', `A prompt template "${input.name}" already exists; add a version to it instead.`);
        await insertVersion(db, id, input.tenantId, 1, input.version);
        for (const label of input.labels) await setLabel(db, id, input.tenantId, { label, version: 1, actor: input.version.createdBy, reason: 'created with the template' });
      });
      const [template, version] = await Promise.all([getTemplate(input.tenantId, input.name), getVersion(input.tenantId, input.name, { version: 1 })]);
      return { template: template!, version };
    },

    /**
     * Adds the next version. When the content equals the latest version's (same hash), nothing is
     * written and that version is returned with `created: false`: saving twice is idempotent.
     */
    async addVersion(tenantId: string, name: string, input: NewVersion): Promise<{ version: PromptVersion; created: boolean }> {
      const { number, created } = await withTransaction(pool, async (db) => {
        const templateId = await lockTemplate(db, tenantId, name);
        const { rows } = await db.query<{ version: number; content_hash: string }>(
          'SELECT version, content_hash FROM prompt_template_versions WHERE template_id = $1 ORDER BY version DESC LIMIT 1',
          [templateId],
        );
        const latest = rows[0];
        if (latest && latest.content_hash === input.contentHash) return { number: latest.version, created: false };
        const next = (latest?.version ?? 0) + 1;
        await insertVersion(db, templateId, tenantId, next, input);
        await db.query('UPDATE prompt_templates SET updated_at = now() WHERE id = $1', [templateId]);
        return { number: next, created: true };
      });
      return { version: await getVersion(tenantId, name, { version: number }), created };
    },

    async updateDescription(tenantId: string, name: string, description: string): Promise<void> {
      await pool.query('UPDATE prompt_templates SET description = $3, updated_at = now() WHERE tenant_id = $1 AND name = $2 AND description <> $3', [tenantId, name, description]);
    },

    async listTemplates(tenantId: string, options: { limit: number; after?: string | undefined }): Promise<PromptTemplate[]> {
      const { rows } = await pool.query<TemplateRow>(
        `SELECT ${TEMPLATE_COLUMNS} FROM prompt_templates t WHERE t.tenant_id = $1 AND ($2::text IS NULL OR t.name > $2) ORDER BY t.name LIMIT $3`,
        [tenantId, options.after ?? null, options.limit],
      );
      return rows.map(toTemplate);
    },

    async listVersions(tenantId: string, name: string, options: { limit: number; before?: number | undefined }): Promise<PromptVersion[]> {
      const { rows } = await pool.query<VersionRow>(
        `SELECT ${VERSION_COLUMNS} FROM prompt_templates t JOIN prompt_template_versions v ON v.template_id = t.id
         WHERE t.tenant_id = $1 AND t.name = $2 AND ($3::int IS NULL OR v.version < $3) ORDER BY v.version DESC LIMIT $4`,
        [tenantId, name, options.before ?? null, options.limit],
      );
      return rows.map(toVersion);
    },

    /**
     * Points `label` at `version`, atomically with its audit event. `expectedVersion` makes it a
     * compare-and-set (null: the label must not exist yet); a mismatch throws label_conflict.
     */
    async moveLabel(input: {
      tenantId: string;
      name: string;
      label: string;
      version: number;
      expectedVersion?: number | null | undefined;
      actor: string;
      reason?: string | undefined;
    }): Promise<LabelMove> {
      return withTransaction(pool, async (db) => {
        const templateId = await lockTemplate(db, input.tenantId, input.name);
        return setLabel(db, templateId, input.tenantId, input);
      });
    },

    async deleteLabel(input: { tenantId: string; name: string; label: string; actor: string; reason?: string | undefined }): Promise<LabelMove> {
      return withTransaction(pool, async (db) => {
        const templateId = await lockTemplate(db, input.tenantId, input.name);
        const { rows } = await db.query<{ version: number }>('DELETE FROM prompt_labels WHERE template_id = $1 AND label = $2 RETURNING version', [templateId, input.label]);
        const from = rows[0]?.version;
        if (from === undefined) throw new PromptNotFoundError('label_not_found', `Prompt template "${input.name}" has no label "${input.label}".`);
        await db.query(
          `INSERT INTO prompt_label_events (tenant_id, template_id, label, from_version, to_version, actor, reason) VALUES ($1, $2, $3, $4, NULL, $5, $6)`,
          [input.tenantId, templateId, input.label, from, input.actor, input.reason ?? null],
        );
        return { label: input.label, fromVersion: from, toVersion: null, moved: true };
      });
    },

    /** The audit trail of a template's labels, newest first. */
    async labelHistory(tenantId: string, name: string, options: { limit: number }): Promise<LabelEvent[]> {
      const { rows } = await pool.query<{ id: string; label: string; from_version: number | null; to_version: number | null; actor: string; reason: string | null; created_at: Date }>(
        `SELECT e.id::text, e.label, e.from_version, e.to_version, e.actor, e.reason, e.created_at
         FROM prompt_label_events e JOIN prompt_templates t ON t.id = e.template_id
         WHERE t.tenant_id = $1 AND t.name = $2 ORDER BY e.id DESC LIMIT $3`,
        [tenantId, name, options.limit],
      );
      return rows.map((r) => ({ id: r.id, label: r.label, fromVersion: r.from_version, toVersion: r.to_version, actor: r.actor, reason: r.reason, createdAt: r.created_at }));
    },
  };
}

export type PromptTemplateStore = ReturnType<typeof createPromptTemplateStore>;
