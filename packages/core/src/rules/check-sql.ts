import { loadSqlParser, parseSql, type SqlFile, type SqlSyntaxError } from '../sql/parse-sql.js';
import { buildSchema } from '../schema/schema-builder.js';
import type { SchemaModel } from '../schema/schema-model.js';
import { summarize, type CheckReport } from '../findings/finding.js';
import { checkMigration } from './check-migration.js';
import { editedMigrationFinding } from './edited-applied-migration.js';
import type { Rule } from './rule.js';
import { applyRuleSettings, type RuleSetting } from './rule-settings.js';

/** A file's name and text, as read by the caller (core does no I/O). */
export interface SqlSource {
  file: string;
  text: string;
}

export interface CheckSqlInput {
  /** The migrations to check, in order. */
  migrations: SqlSource[];
  /** Already-applied migrations (or a dump) that build the previous deployment's schema. */
  applied?: SqlSource[];
  /** A schema read elsewhere (e.g. from a live database); `applied` is replayed on top of it. */
  schema?: SchemaModel;
  rules?: readonly Rule[];
  /** Migrations production already ran that were changed since `base`; each gets an edited-applied-migration finding. */
  edited?: { file: string; before: string; after: string }[];
  /** The base branch the edits are measured against (for messages). */
  base?: string;
  /** Per-rule severity overrides, or `off`. */
  ruleSettings?: Record<string, RuleSetting>;
}

export type CheckSqlResult = { ok: true; report: CheckReport } | { ok: false; error: SqlSyntaxError };

/**
 * Parses and checks migrations in one call; a syntax error in any file comes
 * back as a value with its file, line and column.
 *
 * @example await checkSql({ migrations: [{ file: 'm.sql', text: 'DROP TABLE t;' }] })
 */
export async function checkSql(input: CheckSqlInput): Promise<CheckSqlResult> {
  await loadSqlParser();
  const parsed = (sources: SqlSource[]): SqlFile[] | SqlSyntaxError => {
    const files: SqlFile[] = [];
    for (const s of sources) {
      const r = parseSql(s.file, s.text);
      if (!r.ok) return r.error;
      files.push(r.file);
    }
    return files;
  };
  const applied = parsed(input.applied ?? []);
  if (!Array.isArray(applied)) return { ok: false, error: applied };
  const migrations = parsed(input.migrations);
  if (!Array.isArray(migrations)) return { ok: false, error: migrations };
  const report = checkMigration(migrations, { schema: buildSchema(applied, input.schema ? structuredClone(input.schema) : undefined), ...(input.rules ? { rules: input.rules } : {}) });
  const edited = (input.edited ?? []).map((e) => editedMigrationFinding(e.file, e.before, e.after, input.base ?? 'the base branch'));
  const findings = [...edited, ...report.findings];
  const all = { findings, summary: summarize(findings, report.summary.files + edited.length, report.summary.statements) };
  return { ok: true, report: input.ruleSettings ? applyRuleSettings(all, input.ruleSettings) : all };
}
