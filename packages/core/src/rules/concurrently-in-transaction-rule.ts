import { plan } from './plan-hints.js';
import { indexIntent } from './require-concurrent-index-rule.js';
import type { Rule } from './rule.js';

/**
 * CREATE/DROP INDEX CONCURRENTLY and REINDEX CONCURRENTLY cannot run inside a
 * transaction block: PostgreSQL rejects them and the migration fails.
 */
export const concurrentlyInTransactionRule: Rule = {
  id: 'concurrently-in-transaction',
  title: 'CONCURRENTLY inside a transaction block',
  impacts: [],
  severity: 'error',
  check(ctx) {
    const { kind, node, inTransaction } = ctx.statement;
    if (!inTransaction) return [];
    const concurrent = (kind === 'IndexStmt' && node.concurrent) || (kind === 'DropStmt' && node.removeType === 'OBJECT_INDEX' && node.concurrent) || (kind === 'ReindexStmt' && JSON.stringify(node.params ?? []).includes('"concurrently"'));
    if (!concurrent) return [];
    const intent = kind === 'IndexStmt' ? indexIntent(node) : undefined;
    return [
      {
        message: `${kind === 'IndexStmt' ? 'CREATE INDEX' : kind === 'DropStmt' ? 'DROP INDEX' : 'REINDEX'} CONCURRENTLY cannot run inside a transaction block: PostgreSQL rejects it and the migration fails.`,
        suggestion: `Move it out of the BEGIN … COMMIT block, into its own migration file if your tool wraps each file in a transaction (e.g. Flyway executeInTransaction=false, Rails disable_ddl_transaction!)${intent ? `; ${plan(intent)} runs it that way` : ''}.`,
        lock: 'SHARE UPDATE EXCLUSIVE',
      },
    ];
  },
};
