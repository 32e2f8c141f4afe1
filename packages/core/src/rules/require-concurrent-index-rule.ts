import { relationName, type AstNode } from '../sql/ast.js';
import type { Rule } from './rule.js';

/**
 * CREATE INDEX without CONCURRENTLY holds a SHARE lock for the whole build:
 * reads continue, every write to the table waits.
 * https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY
 */
export const requireConcurrentIndexRule: Rule = {
  id: 'require-concurrent-index',
  title: 'CREATE INDEX without CONCURRENTLY',
  impacts: ['lock'],
  severity: 'warning',
  check(ctx) {
    const n = ctx.statement.node;
    if (ctx.statement.kind !== 'IndexStmt' || n.concurrent) return [];
    const table = relationName(n.relation as AstNode);
    if (ctx.isNew(table)) return [];
    const name = n.idxname ? `${String(n.idxname)} ` : '';
    return [
      {
        message: `Building index ${name}on ${table} without CONCURRENTLY holds a SHARE lock for the whole build: every insert, update and delete on ${table} waits.`,
        suggestion: `Use CREATE ${n.unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY ${name}ON ${table} …, outside a transaction block (check it is valid afterwards; drop and retry if the build failed).`,
        lock: 'SHARE',
      },
    ];
  },
};
