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
export { loadSqlParser, parseSql, buildSchema, checkMigration, checkSql, rules, formatReport, isCheckFormat, CHECK_FORMATS, CHECK_JSON_VERSION, type SqlFile, type SqlStatement, type SqlSyntaxError, type SqlSource, type CheckSqlInput, type CheckSqlResult, type CheckReport, type Finding, type Impact, type Severity, type LockMode, type Rule, type RuleContext, type CheckFormat, EDITED_APPLIED_MIGRATION, editedMigrationFinding, applyRuleSettings, type RuleSetting, listMigrations, detectLayout, compareVersions, MIGRATION_LAYOUTS, type MigrationLayout, type MigrationListing, type OrderedMigration, type SkippedMigration, type DrizzleJournal, IGNORE_WITHOUT_REASON, SMALL_TABLE_LIMITS } from './rules/check-api.js';
export { parseCheckConfig, parseCheckConfigText, CheckConfigError, type CheckConfig } from './migrations/check-config.js';
export { changesFromSql, changeFileYaml, type FromSqlResult, type ProposedChange, type UnmatchedStatement, type SqlOrigin } from './intents/from-sql.js';
export type { MergeTablesParams } from './intents/merge-tables-intent.js';
export type { DropColumnParams } from './intents/drop-column-intent.js';
export type { DropTableParams } from './intents/drop-table-intent.js';
export type { ExtractColumnsParams } from './intents/extract-columns-intent.js';
export type { SplitTableParams } from './intents/split-table-intent.js';
export type { ReplaceEnumWithLookupParams } from './intents/replace-enum-with-lookup-intent.js';
export { addCodeReferences, needsCodeReferences, scanCode, isCodeFile, languageOf, referencesSentence, type CodeReferencesInput, type CodeSource, type CodeAccess, type CodeLanguage } from './refs/index.js';
export { policySchema, DEFAULT_POLICY, POLICY_VERSION, POLICY_FILE, DEFAULT_APPROVER_ROLE, DEFAULT_MAX_STEP_PERCENT, DEFAULT_ROLLOUT_SOAK_MS, DEFAULT_MIN_CALLS, DEFAULT_MAX_MISMATCH_RATE, DEFAULT_MAX_ERROR_RATE, DEFAULT_ROLLBACK_MISMATCH_RATE, DEFAULT_ROLLBACK_ERROR_RATE, DEFAULT_ROLLBACK_WINDOW_MS, type Policy, type PolicyRule, type ApprovalRule, type TransitionKind, type Weekday } from './policy/policy.js';
export { decideTransition, transitionName, localTime, type PolicyActor, type PolicyDecision, type TransitionRequest } from './policy/policy-decision.js';
export { parsePolicyFile, type PolicyParseResult } from './policy/policy-file.js';
export { withArticle } from './util/names.js';
export { classifySignal, termMatches, type SignalClass, type Polarity } from './signals/classify-signal.js';
export { changeTerms } from './signals/change-terms.js';
export { describeImportProblem, parseCsv, parseSignalExport, signalsFromRecords, type SignalInput, type ImportProblem, type ImportResult } from './signals/signal-import.js';
export { dashboardsFor, type Dashboards, type DashboardQuery } from './dashboards/dashboards.js';
export { seededRandom } from './util/seeded-random.js';
