import type { Impact, LockMode, Severity } from '../findings/finding.js';
import type { SchemaModel } from '../schema/schema-model.js';
import type { SqlFile, SqlStatement } from '../sql/parse-sql.js';

/** Everything a rule may look at for one statement. */
export interface RuleContext {
  file: SqlFile;
  statement: SqlStatement;
  /** The schema just before this statement runs (the previous deployment plus earlier statements). */
  schema: SchemaModel;
  /** Whether a table was created by the migrations being checked (no one else uses it yet). */
  isNew(table: string): boolean;
}

/** What a rule says about a statement; the checker adds rule id, position and defaults. */
export interface RuleFinding {
  message: string;
  suggestion: string;
  lock?: LockMode;
  /** Overrides the rule's impacts for this finding (e.g. a widening type change only locks). */
  impacts?: Impact[];
  severity?: Severity;
  /** `switchback plan --from-sql` turns this statement into the intent the suggestion names (the checker then says so). */
  fromSql?: boolean;
  /** Byte offset of the part of the statement at fault (a column or constraint of an ALTER TABLE); default: the statement. */
  location?: number;
}

/** A rule: one file under rules/, listed in rules/index.ts. */
export interface Rule {
  /** Kebab-case intent phrase, e.g. `rename-column`. */
  id: string;
  title: string;
  impacts: Impact[];
  severity: Severity;
  check(ctx: RuleContext): RuleFinding[];
}
