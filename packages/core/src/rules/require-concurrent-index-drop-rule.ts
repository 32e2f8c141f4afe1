import { list } from '../sql/ast.js';
import { objectName } from '../schema/schema-builder.js';
import type { Rule } from './rule.js';

/** DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the index's table. */
export const requireConcurrentIndexDropRule: Rule = {
  id: 'require-concurrent-index-drop',
  title: 'DROP INDEX without CONCURRENTLY',
  impacts: ['lock'],
  severity: 'warning',
  check(ctx) {
    const n = ctx.statement.node;
    if (ctx.statement.kind !== 'DropStmt' || n.removeType !== 'OBJECT_INDEX' || n.concurrent) return [];
    return list(n.objects)
      .map(objectName)
      .filter((index) => {
        const table = ctx.schema.indexes?.[index]?.table;
        return !ctx.isNew(index) && !(table && ctx.isNew(table));
      })
      .map((index) => ({
        message: `Dropping index ${index} without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on its table: queued behind a long query, it blocks all reads and writes.`,
        suggestion: `Use DROP INDEX CONCURRENTLY ${index}, outside a transaction block.`,
        lock: 'ACCESS EXCLUSIVE' as const,
      }));
  },
};
