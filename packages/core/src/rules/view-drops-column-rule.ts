import { list, relationName, type AstNode } from '../sql/ast.js';
import { objectName } from '../schema/schema-builder.js';
import { viewColumns } from '../schema/view-columns.js';
import type { Rule, RuleContext, RuleFinding } from './rule.js';

/**
 * A view redefinition that loses a column. CREATE OR REPLACE VIEW may only
 * add columns at the end (PostgreSQL rejects dropping, renaming or
 * reordering them), so the migration fails; DROP VIEW and CREATE VIEW
 * succeed, and the previous app version's queries of the lost column fail.
 * Needs the old view's columns (a view with `*` is not judged).
 */
export const viewDropsColumnRule: Rule = {
  id: 'view-drops-column',
  title: 'Redefining a view without a column it had',
  impacts: ['old-code', 'rollback'],
  severity: 'error',
  check(ctx) {
    const n = ctx.statement.node;
    if (ctx.statement.kind !== 'ViewStmt') return [];
    const name = relationName(n.view as AstNode);
    const before = ctx.schema.viewColumns?.[name];
    const after = viewColumns(n);
    if (!before || !after || ctx.isNew(name)) return [];
    const exists = ctx.schema.views?.includes(name) ?? false;
    if (n.replace && exists) return replaced(name, before, after);
    if (!exists && droppedEarlier(ctx, name)) return recreated(name, before, after);
    return [];
  },
};

function replaced(name: string, before: string[], after: string[]): RuleFinding[] {
  if (before.every((c, i) => after[i] === c)) return [];
  const lost = before.filter((c, i) => after[i] !== c);
  return [
    {
      message: `CREATE OR REPLACE VIEW ${name} fails: it may only add columns at the end, and this definition drops, renames or moves ${lost.join(', ')} (was: ${before.join(', ')}; now: ${after.join(', ')}).`,
      suggestion: `Keep the existing columns first and in order (add new ones at the end), or create a new view beside ${name} and move readers to it before dropping the old one.`,
      impacts: [],
      lock: 'ACCESS EXCLUSIVE',
    },
  ];
}

function recreated(name: string, before: string[], after: string[]): RuleFinding[] {
  const lost = before.filter((c) => !after.includes(c));
  if (!lost.length) return [];
  return [
    {
      message: `The view ${name} is created again without ${lost.join(', ')}: the previous app version's queries of ${lost.length > 1 ? 'those columns' : 'that column'} fail once this migration runs.`,
      suggestion: `Keep ${lost.join(', ')} in the view until no running version reads ${lost.length > 1 ? 'them' : 'it'} (e.g. as NULL::type AS ${lost[0]}), and drop ${lost.length > 1 ? 'them' : 'it'} in a later contract phase.`,
      lock: 'ACCESS EXCLUSIVE',
    },
  ];
}

function droppedEarlier(ctx: RuleContext, name: string): boolean {
  return ctx.file.statements
    .slice(0, ctx.statement.index)
    .some((s) => s.kind === 'DropStmt' && (s.node.removeType === 'OBJECT_VIEW') && list(s.node.objects).map(objectName).includes(name));
}
