export * from './plan/plan.js';
export { planChange } from './plan/plan-change.js';
export type { SchemaModel, TableModel, ColumnModel, IndexModel } from './schema/schema-model.js';
export { findTable, findColumn } from './schema/schema-model.js';
export {
  CHANGE_FILE_VERSION,
  DEFAULT_BATCH_SIZE,
  DEFAULT_LOCK_RETRIES,
  DEFAULT_LOCK_TIMEOUT_MS,
  DEFAULT_TARGET_BATCH_MS,
  type ChangeSpec,
  type ExecutionSettings,
  type IntentKind,
  type MoveColumnsParams,
} from './change/change-spec.js';
export { parseChangeFile, formatChangeFileProblem, problemAt, ChangeFileError, type ChangeFileProblem, type ParseResult } from './change/change-file.js';
export type { PlanProblem, PlanResult, IntentDef } from './intents/intent.js';
export { intents } from './intents/index.js';
export { defaultFlags } from './intents/move-columns-intent.js';
export { ident, literal, qualified } from './util/sql.js';
export { parseDuration, formatDuration } from './util/duration.js';
export { canonicalJson } from './util/canonical-json.js';
export { renderPlanText } from './plan/render-plan-text.js';
export { renderPlanMarkdown } from './plan/render-plan-markdown.js';
export { loadSqlParser, parseSql, buildSchema, checkMigration, checkSql, rules, formatReport, isCheckFormat, CHECK_FORMATS, CHECK_JSON_VERSION, type SqlFile, type SqlStatement, type SqlSyntaxError, type SqlSource, type CheckSqlInput, type CheckSqlResult, type CheckReport, type Finding, type Impact, type Severity, type LockMode, type Rule, type RuleContext, type CheckFormat } from './rules/check-api.js';
