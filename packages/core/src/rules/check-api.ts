/**
 * Everything `switchback check` needs from core, in one place, so the package
 * index can re-export it with one line.
 */
export { loadSqlParser, parseSql, type SqlFile, type SqlStatement, type SqlSyntaxError, type ParseSqlResult } from '../sql/parse-sql.js';
export { stripMetaCommands } from '../sql/strip-meta-commands.js';
export { buildSchema, applyStatement, emptySchema } from '../schema/schema-builder.js';
export { checkMigration, type CheckOptions } from './check-migration.js';
export { checkSql, type CheckSqlInput, type CheckSqlResult, type SqlSource } from './check-sql.js';
export { rules, IGNORE_WITHOUT_REASON } from './index.js';
export { EDITED_APPLIED_MIGRATION, editedMigrationFinding } from './edited-applied-migration.js';
export { applyRuleSettings, type RuleSetting } from './rule-settings.js';
export { listMigrations, detectLayout, compareVersions, MIGRATION_LAYOUTS, type MigrationLayout, type MigrationListing, type OrderedMigration, type SkippedMigration, type DrizzleJournal } from '../migrations/migration-layout.js';
export type { Rule, RuleContext, RuleFinding } from './rule.js';
export type { Finding, FindingReference, CheckReport, CheckSummary, Impact, Severity, LockMode } from '../findings/finding.js';
export { formatReport, isCheckFormat, CHECK_FORMATS, type CheckFormat } from '../findings/format-report.js';
export { formatHuman } from '../findings/format-human.js';
export { formatJson, CHECK_JSON_VERSION } from '../findings/format-json.js';
export { formatSarif } from '../findings/format-sarif.js';
export { formatGithub } from '../findings/format-github.js';
export { formatMarkdown } from '../findings/format-markdown.js';
export { SMALL_TABLE_LIMITS, smallTablesNote } from './small-table.js';
