import { list, relationName, type AstNode } from '../sql/ast.js';
import { objectName } from '../schema/schema-builder.js';
import type { SchemaModel } from '../schema/schema-model.js';
import type { SqlStatement } from '../sql/parse-sql.js';
import { knownAbsentTable } from './statement-facts.js';
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
const WEAKER_ALTERS = new Set([
  'AT_ValidateConstraint', 'AT_SetStatistics', 'AT_SetOptions', 'AT_ResetOptions', 'AT_ClusterOn', 'AT_DropCluster', 'AT_SetRelOptions', 'AT_ResetRelOptions',
  // ENABLE/DISABLE TRIGGER in every form: SHARE ROW EXCLUSIVE.
  'AT_EnableTrig', 'AT_DisableTrig', 'AT_EnableAlwaysTrig', 'AT_EnableReplicaTrig', 'AT_EnableTrigAll', 'AT_DisableTrigAll', 'AT_EnableTrigUser', 'AT_DisableTrigUser',
]);

/** LOCK TABLE modes as libpg-query numbers them (lockdefs.h); 8 is ACCESS EXCLUSIVE, the default. */
const ACCESS_EXCLUSIVE_LOCKMODE = 8;

/** The existing tables a statement locks ACCESS EXCLUSIVE. */
export function accessExclusiveTables(stmt: SqlStatement, schema: SchemaModel): string[] {
  const n = stmt.node;
  switch (stmt.kind) {
    case 'AlterTableStmt': {
      if (n.objtype !== 'OBJECT_TABLE' || (n.missing_ok && knownAbsentTable(schema, relationName(n.relation as AstNode)))) return [];
      const cmds = list(n.cmds).map((c) => c.AlterTableCmd as AstNode);
      const weaker = (cmd: AstNode) => WEAKER_ALTERS.has(String(cmd.subtype)) || (cmd.subtype === 'AT_AddConstraint' && cmd.def?.Constraint?.contype === 'CONSTR_FOREIGN');
      return cmds.every(weaker) ? [] : [relationName(n.relation as AstNode)];
    }
    case 'RenameStmt':
      // Renaming an index takes SHARE UPDATE EXCLUSIVE (PostgreSQL 12+); a type or function rename locks no table.
      if (n.renameType === 'OBJECT_INDEX' || !n.relation) return [];
      return [relationName(n.relation as AstNode)];
    case 'LockStmt':
      return (n.mode ?? ACCESS_EXCLUSIVE_LOCKMODE) === ACCESS_EXCLUSIVE_LOCKMODE ? list(n.relations).map((r) => relationName(r.RangeVar as AstNode)) : [];
    case 'ClusterStmt':
      return n.relation ? [relationName(n.relation as AstNode)] : [];
    case 'VacuumStmt':
      return list(n.options).some((o) => o.DefElem?.defname === 'full') ? list(n.rels).map((r) => relationName(r.VacuumRelation?.relation as AstNode)) : [];
    case 'TruncateStmt':
      return list(n.relations).map((r) => relationName(r.RangeVar as AstNode));
    case 'DropStmt':
      if (n.removeType === 'OBJECT_TABLE') return list(n.objects).map(objectName).filter((t) => !(n.missing_ok && knownAbsentTable(schema, t)));
      // A view the replayed schema does not have is not there to lock (DROP VIEW IF EXISTS).
      if (n.removeType === 'OBJECT_VIEW' || n.removeType === 'OBJECT_MATVIEW') return list(n.objects).map(objectName).filter((v) => !schema.views || schema.views.includes(v) || n.removeType === 'OBJECT_MATVIEW');
      if (n.removeType === 'OBJECT_INDEX' && !n.concurrent) return list(n.objects).map((o) => schema.indexes?.[objectName(o)]?.table ?? objectName(o));
      return [];
    default:
      return [];
  }
}
