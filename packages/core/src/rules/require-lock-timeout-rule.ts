import { list, relationName, type AstNode } from '../sql/ast.js';
import { objectName } from '../schema/schema-builder.js';
import type { SchemaModel } from '../schema/schema-model.js';
import type { SqlStatement } from '../sql/parse-sql.js';
import type { Rule } from './rule.js';

/**
 * A statement that needs ACCESS EXCLUSIVE waits behind any running query on
 * the table, and every later query queues behind it: with no lock_timeout a
 * one-millisecond ALTER can stop all traffic. statement_timeout does not help
 * (it also counts the work, and is usually far too long).
 * https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-LOCK-TIMEOUT
 */
export const requireLockTimeoutRule: Rule = {
  id: 'require-lock-timeout',
  title: 'ACCESS EXCLUSIVE lock without lock_timeout',
  impacts: ['lock'],
  severity: 'warning',
  check(ctx) {
    if (ctx.statement.lockTimeoutSet) return [];
    const tables = accessExclusiveTables(ctx.statement, ctx.schema).filter((t) => !ctx.isNew(t));
    if (!tables.length) return [];
    const list = tables.join(', ');
    return [
      {
        message: `This statement takes an ACCESS EXCLUSIVE lock on ${list} with no lock_timeout set: while it waits behind a running query, every read and write on ${list} queues behind it.`,
        suggestion: `Put SET lock_timeout = '2s'; earlier in the file (SET LOCAL inside the transaction) and retry the migration when it times out.`,
        lock: 'ACCESS EXCLUSIVE',
      },
    ];
  },
};

/** ALTER TABLE subcommands that take a weaker lock than ACCESS EXCLUSIVE. */
const WEAKER_ALTERS = new Set(['AT_ValidateConstraint', 'AT_SetStatistics', 'AT_SetOptions', 'AT_ResetOptions', 'AT_ClusterOn', 'AT_DropCluster', 'AT_SetRelOptions', 'AT_ResetRelOptions', 'AT_EnableTrig', 'AT_DisableTrig', 'AT_EnableAlwaysTrig', 'AT_EnableReplicaTrig']);

/** The existing tables a statement locks ACCESS EXCLUSIVE. */
export function accessExclusiveTables(stmt: SqlStatement, schema: SchemaModel): string[] {
  const n = stmt.node;
  switch (stmt.kind) {
    case 'AlterTableStmt': {
      if (n.objtype !== 'OBJECT_TABLE') return [];
      const cmds = list(n.cmds).map((c) => c.AlterTableCmd as AstNode);
      const weaker = (cmd: AstNode) => WEAKER_ALTERS.has(String(cmd.subtype)) || (cmd.subtype === 'AT_AddConstraint' && cmd.def?.Constraint?.contype === 'CONSTR_FOREIGN');
      return cmds.every(weaker) ? [] : [relationName(n.relation as AstNode)];
    }
    case 'RenameStmt':
      return n.relation ? [relationName(n.relation as AstNode)] : [];
    case 'TruncateStmt':
      return list(n.relations).map((r) => relationName(r.RangeVar as AstNode));
    case 'DropStmt':
      if (n.removeType === 'OBJECT_TABLE') return list(n.objects).map(objectName);
      if (n.removeType === 'OBJECT_INDEX' && !n.concurrent) return list(n.objects).map((o) => schema.indexes?.[objectName(o)]?.table ?? objectName(o));
      return [];
    default:
      return [];
  }
}
