import { loadSqlParser, parseSql, type SqlFile, type SqlSyntaxError } from '../sql/parse-sql.js';
import { buildSchema } from '../schema/schema-builder.js';
import type { SchemaModel } from '../schema/schema-model.js';
import type { CheckReport } from '../findings/finding.js';
import { checkMigration } from './check-migration.js';
import type { Rule } from './rule.js';

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
  return { ok: true, report: checkMigration(migrations, { schema: buildSchema(applied, input.schema ? structuredClone(input.schema) : undefined), ...(input.rules ? { rules: input.rules } : {}) }) };
}
