import { list, relationName, type AstNode } from '../sql/ast.js';
import { plan } from './plan-hints.js';
import type { Rule, RuleContext, RuleFinding } from './rule.js';

/**
 * CREATE INDEX without CONCURRENTLY holds a SHARE lock for the whole build:
 * reads continue, every write to the table waits. REINDEX without
 * CONCURRENTLY (PostgreSQL 12+) does the same, and also locks each index it
 * rebuilds ACCESS EXCLUSIVE, so queries that would use it wait too.
 * https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY
 * https://www.postgresql.org/docs/current/sql-reindex.html
 */
export const requireConcurrentIndexRule: Rule = {
  id: 'require-concurrent-index',
  title: 'CREATE INDEX or REINDEX without CONCURRENTLY',
  impacts: ['lock'],
  severity: 'warning',
  check(ctx) {
    if (ctx.statement.kind === 'ReindexStmt') return reindex(ctx);
    const n = ctx.statement.node;
    if (ctx.statement.kind !== 'IndexStmt' || n.concurrent) return [];
    const table = relationName(n.relation as AstNode);
    if (ctx.isNew(table)) return [];
    const name = n.idxname ? `${String(n.idxname)} ` : '';
    const intent = indexIntent(n);
    return [
      {
        message: `Building index ${name}on ${table} without CONCURRENTLY holds a SHARE lock for the whole build: every insert, update and delete on ${table} waits.`,
        suggestion: `Use CREATE ${n.unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY ${name}ON ${table} …, outside a transaction block (check it is valid afterwards; drop and retry if the build failed)${intent ? ` (${plan(intent)})` : ''}.`,
        lock: 'SHARE',
        ...(intent ? { fromSql: true } : {}),
      },
    ];
  },
};

/** The intent that builds this index safely: add-index, or add-unique for a plain btree unique index; none for an expression index. */
export function indexIntent(n: AstNode): 'add-index' | 'add-unique' | undefined {
  if (list(n.indexParams).some((p) => !p.IndexElem?.name)) return undefined;
  if (!n.unique) return 'add-index';
  return n.whereClause || (n.accessMethod && n.accessMethod !== 'btree') ? undefined : 'add-unique';
}

function reindex(ctx: RuleContext): RuleFinding[] {
  const n = ctx.statement.node;
  if (list(n.params).some((p) => p.DefElem?.defname === 'concurrently')) return [];
  const name = n.relation ? relationName(n.relation as AstNode) : String(n.name ?? 'the database');
  let table: string | undefined;
  if (n.kind === 'REINDEX_OBJECT_TABLE') table = name;
  else if (n.kind === 'REINDEX_OBJECT_INDEX') table = ctx.schema.indexes?.[name]?.table;
  else if (n.kind !== 'REINDEX_OBJECT_SCHEMA' && n.kind !== 'REINDEX_OBJECT_DATABASE' && n.kind !== 'REINDEX_OBJECT_SYSTEM') return [];
  if ((table && ctx.isNew(table)) || (n.kind === 'REINDEX_OBJECT_INDEX' && ctx.isNew(name))) return [];
  const what = n.kind === 'REINDEX_OBJECT_INDEX' ? `index ${name}${table ? ` on ${table}` : ''}` : n.kind === 'REINDEX_OBJECT_TABLE' ? `the indexes of ${name}` : `every index in ${name}`;
  return [
    {
      message: `Rebuilding ${what} without CONCURRENTLY holds a SHARE lock on the table (every write waits) and an ACCESS EXCLUSIVE lock on each index being rebuilt (queries using it wait) until it is done.`,
      suggestion: `Use REINDEX ${String(n.kind ?? '').replace('REINDEX_OBJECT_', '')} CONCURRENTLY ${name} (PostgreSQL 12+), outside a transaction block.`,
      lock: 'SHARE',
    },
  ];
}
