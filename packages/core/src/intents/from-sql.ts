import { Document, isCollection, isMap, isNode, isScalar } from 'yaml';
import { CHANGE_FILE_VERSION } from '../change/change-spec.js';
import type { Finding } from '../findings/finding.js';
import { checkMigration } from '../rules/check-migration.js';
import { detectMoves } from '../rules/detect-moves.js';
import { alterTableCmds } from '../rules/statement-facts.js';
import { list, names, relationName, type AstNode } from '../sql/ast.js';
import { exprText } from '../sql/expressions.js';
import type { SqlFile, SqlStatement } from '../sql/parse-sql.js';
import { formatType } from '../sql/type-name.js';
import { objectName } from '../schema/schema-builder.js';
import { findTable, type SchemaModel } from '../schema/schema-model.js';
import { moveJoin, moveStatements } from './from-sql-moves.js';
import { intents } from './index.js';

/** Where a proposed change comes from: a statement and the rules that flagged it. */
export interface SqlOrigin {
  file: string;
  line: number;
  column: number;
  /** The statement's first line. */
  text: string;
  rules: string[];
}

/** A change file proposed for unsafe statements: what `switchback plan --from-sql` prints or writes. */
export interface ProposedChange {
  id: string;
  title: string;
  /** An intent kind; it may be one the catalogue cannot plan yet (`plannable: false`). */
  intent: string;
  params: Record<string, unknown>;
  /** Why a parameter has the value it has, when the statement only implies it (written beside it in the file). */
  comments?: Record<string, string>;
  origins: SqlOrigin[];
  plannable: boolean;
}

/** An unsafe statement (or part of one) no intent plans, with what to do instead. */
export interface UnmatchedStatement extends SqlOrigin {
  message: string;
}

export interface FromSqlResult {
  changes: ProposedChange[];
  unmatched: UnmatchedStatement[];
}

type Proposal = Omit<ProposedChange, 'id' | 'origins' | 'plannable'> & { slug: string };

const LOCK_TIMEOUT_RULE = 'require-lock-timeout';

/**
 * Turns a migration into the change files that do the same safely. Only
 * statements `check` flags are considered; a statement that is already safe
 * yields nothing. Each flagged statement (or ALTER TABLE sub-command) maps to
 * one intent by the table below; the seed's one-step move (ADD COLUMN on one
 * table, UPDATE … FROM the other, DROP the other) becomes one move-columns
 * change. What maps to nothing comes back in `unmatched`, with the finding's
 * own advice.
 *
 * | statement                                    | intent             |
 * |----------------------------------------------|--------------------|
 * | ALTER TABLE … RENAME COLUMN a TO b           | rename-column      |
 * | ALTER TABLE … RENAME TO u                    | rename-table       |
 * | ALTER TABLE … ALTER COLUMN c TYPE t          | change-column-type |
 * | ALTER TABLE … ALTER COLUMN c SET NOT NULL    | add-not-null       |
 * | ALTER TABLE … ADD … FOREIGN KEY (validated)  | add-foreign-key    |
 * | ALTER TABLE … ADD … UNIQUE                   | add-unique         |
 * | CREATE INDEX (not CONCURRENTLY)              | add-index          |
 * | CREATE UNIQUE INDEX (not CONCURRENTLY)       | add-unique         |
 * | ALTER TYPE … ADD VALUE                       | add-enum-value     |
 * | ALTER TABLE … DROP COLUMN c                  | drop-column        |
 * | DROP TABLE t                                 | drop-table         |
 * | ADD COLUMN + UPDATE … FROM + DROP (a move)   | move-columns       |
 *
 * @example changesFromSql([parsed0002], schemaOf0001).changes[0].intent // 'move-columns'
 */
export function changesFromSql(files: SqlFile[], schema: SchemaModel): FromSqlResult {
  const report = checkMigration(files, { schema });
  const findings = findingsByStatement(files, report.findings);
  const changes: ProposedChange[] = [];
  const unmatched: UnmatchedStatement[] = [];
  const fileOf = new Map(files.flatMap((f) => f.statements.map((s) => [s, f.file] as const)));
  const origin = (s: SqlStatement, found: Finding[]): SqlOrigin => ({ file: fileOf.get(s) ?? '', line: s.line, column: s.column, text: s.text.split('\n')[0]!, rules: [...new Set(found.map((f) => f.rule))] });
  // Statements (or parts: a dropped table, "*" for all of it) a move already covers.
  const consumed = new Map<SqlStatement, Set<string>>();
  const isConsumed = (s: SqlStatement, part: string) => !!consumed.get(s)?.has('*') || !!consumed.get(s)?.has(part);
  const ids = new Set<string>();
  const add = (p: Proposal, origins: SqlOrigin[]) => {
    let id = p.slug;
    for (let n = 2; ids.has(id); n++) id = `${p.slug}-${n}`;
    ids.add(id);
    changes.push({ id, title: p.title, intent: p.intent, params: p.params, ...(p.comments ? { comments: p.comments } : {}), origins, plannable: Object.hasOwn(intents, p.intent) });
  };

  for (const move of detectMoves(files, schema)) {
    const statements = moveStatements(files, move);
    const join = moveJoin(statements, move, schema);
    const dropsTable = statements.some((s) => s.kind === 'DropStmt');
    for (const s of statements) consumed.set(s, new Set([...(consumed.get(s) ?? []), s.kind === 'DropStmt' ? move.from : '*']));
    const origins = statements.map((s) => origin(s, findings.get(s) ?? []));
    if (!join) {
      for (const o of origins) unmatched.push({ ...o, message: `part of a one-step move of ${move.columns.join(', ')} from ${move.from} to ${move.to}, but no column of ${move.from} could be told to join ${move.to}. Write a move-columns change by hand, naming params.from.join.` });
      continue;
    }
    const tenant = findTable(schema, move.to)?.columns.find((c) => c.name === 'tenant' || c.name === 'tenant_id')?.name;
    add(
      {
        slug: `move-${slug(move.from)}-into-${slug(move.to)}`,
        title: `Move ${move.columns.join(', ')} from ${move.from} onto ${move.to}`,
        intent: 'move-columns',
        params: { from: { table: move.from, join: join.join }, to: { table: move.to, key: join.key, ...(tenant ? { tenant } : {}) }, columns: move.columns, retire: dropsTable ? 'table' : 'columns' },
      },
      origins,
    );
  }

  for (const s of files.flatMap((f) => f.statements)) {
    const found = findings.get(s) ?? [];
    if (!found.length && s.kind !== 'AlterEnumStmt') continue;
    const rules = new Set(found.map((f) => f.rule));
    const used = new Set<string>();
    const mapped = (rule: string) => rules.has(rule) && (used.add(rule), true);
    const proposals: Proposal[] = [];
    for (const [part, p] of proposalsFor(s, mapped, schema)) {
      if (isConsumed(s, part)) continue;
      if ('message' in p) unmatched.push({ ...origin(s, found), message: p.message });
      else proposals.push(p);
    }
    for (const p of proposals) add(p, [origin(s, found)]);
    if (isConsumed(s, '*')) continue;
    const rest = found.filter((f) => !used.has(f.rule) && !(f.rule === LOCK_TIMEOUT_RULE && (proposals.length || used.size)));
    if (rest.length && rest.every((f) => f.rule === LOCK_TIMEOUT_RULE) && !proposals.length) {
      unmatched.push({ ...origin(s, rest), message: `only the lock_timeout is missing; no phased plan is needed. ${rest[0]!.suggestion}` });
    } else {
      for (const f of rest.filter((x) => x.rule !== LOCK_TIMEOUT_RULE)) unmatched.push({ ...origin(s, [f]), message: `no intent plans this (${f.rule}). ${f.suggestion}` });
    }
  }
  return { changes, unmatched };
}

/** One statement's proposals, keyed by the part they cover (a dropped table's name, an ALTER sub-command's index). */
function proposalsFor(s: SqlStatement, flagged: (rule: string) => boolean, schema: SchemaModel): [string, Proposal | { message: string }][] {
  const n = s.node;
  switch (s.kind) {
    case 'RenameStmt': {
      const table = relationName(n.relation as AstNode);
      if (n.renameType === 'OBJECT_COLUMN' && flagged('rename-column')) {
        return [['', { slug: `rename-${slug(table)}-${slug(n.subname)}`, title: `Rename ${table}.${n.subname} to ${n.newname}`, intent: 'rename-column', params: { table, from: n.subname, to: n.newname } }]];
      }
      if (n.renameType === 'OBJECT_TABLE' && flagged('rename-table')) {
        return [['', { slug: `rename-${slug(table)}`, title: `Rename ${table} to ${n.newname}`, intent: 'rename-table', params: { from: table, to: n.newname } }]];
      }
      return [];
    }
    case 'AlterTableStmt': {
      const alter = alterTableCmds(s);
      return alter ? alter.cmds.flatMap((cmd, i): [string, Proposal | { message: string }][] => {
        const p = alterProposal(alter.table, cmd, flagged);
        return p ? [[String(i), p]] : [];
      }) : [];
    }
    case 'IndexStmt':
      return flagged('require-concurrent-index') ? [['', indexProposal(n)]] : [];
    case 'DropStmt':
      if (n.removeType !== 'OBJECT_TABLE' || !flagged('drop-table')) return [];
      return list(n.objects).map(objectName).map((table) => [table, { slug: `drop-${slug(table)}`, title: `Drop ${table}`, intent: 'drop-table', params: { table } }]);
    case 'AlterEnumStmt': {
      if (!n.newVal || n.oldVal) return [];
      const type = names(n.typeName).filter((x, i, a) => !(i === 0 && x === 'public' && a.length > 1)).join('.');
      // A type the deployed schema does not have is new: no running code reads it yet.
      if (schema.enums && !schema.enums[type]) return [];
      const where = n.newValNeighbor ? { [n.newValIsAfter ? 'after' : 'before']: n.newValNeighbor } : {};
      return [['', { slug: `add-${slug(type)}-${slug(n.newVal)}`, title: `Add ${n.newVal} to the enum ${type}`, intent: 'add-enum-value', params: { type, value: n.newVal, ...where } }]];
    }
    default:
      return [];
  }
}

function alterProposal(table: string, cmd: AstNode, flagged: (rule: string) => boolean): Proposal | { message: string } | undefined {
  const column = String(cmd.name ?? '');
  const c = (cmd.def as AstNode | undefined)?.Constraint as AstNode | undefined;
  switch (cmd.subtype) {
    case 'AT_DropColumn':
      return flagged('drop-column') ? { slug: `drop-${slug(table)}-${slug(column)}`, title: `Drop ${table}.${column}`, intent: 'drop-column', params: { table, column } } : undefined;
    case 'AT_AlterColumnType': {
      if (!flagged('change-column-type')) return undefined;
      const def = (cmd.def as AstNode).ColumnDef as AstNode;
      const type = formatType(def.typeName as AstNode);
      // change-column-type converts with a plain cast; any other USING expression needs a change written by hand.
      const using = def.raw_default ? exprText(def.raw_default as AstNode) : undefined;
      if (using !== undefined && using.replace(/\s+/g, '') !== `${column}::${type}`.replace(/\s+/g, '')) {
        return { message: `change-column-type converts ${table}.${column} with a plain cast, not USING ${using}; write the shadow column, its sync and its backfill by hand, or convert the values first.` };
      }
      return { slug: `change-${slug(table)}-${slug(column)}-type`, title: `Change ${table}.${column} to ${type}`, intent: 'change-column-type', params: { table, column, type } };
    }
    case 'AT_SetNotNull':
      // SET NOT NULL takes it that no running version writes NULL; the change file says so where it can be corrected.
      return flagged('set-not-null')
        ? { slug: `require-${slug(table)}-${slug(column)}`, title: `Make ${table}.${column} NOT NULL`, intent: 'add-not-null', params: { table, column, nullWriters: 'none' }, comments: { nullWriters: 'as SET NOT NULL assumes; if a running version may write NULL, set oldVersions instead' } }
        : undefined;
    case 'AT_AddConstraint':
      if (c?.contype === 'CONSTR_FOREIGN' && flagged('validate-constraint-separately')) {
        const columns = names(c.fk_attrs);
        const references = { table: relationName(c.pktable as AstNode), ...(list(c.pk_attrs).length ? { columns: names(c.pk_attrs) } : {}) };
        const onDelete = ON_DELETE[String(c.fk_del_action)];
        return { slug: `link-${slug(table)}-${columns.map(slug).join('-')}`, title: `Add a foreign key from ${table} (${columns.join(', ')}) to ${references.table}`, intent: 'add-foreign-key', params: { table, columns, references, ...(onDelete ? { onDelete } : {}), ...(c.conname ? { name: c.conname } : {}) } };
      }
      if (c?.contype === 'CONSTR_UNIQUE' && flagged('add-unique-without-index')) {
        const columns = names(c.keys);
        return { slug: `unique-${slug(table)}-${columns.map(slug).join('-')}`, title: `Make (${columns.join(', ')}) unique in ${table}`, intent: 'add-unique', params: { table, columns, ...(c.conname ? { name: c.conname } : {}) } };
      }
      return undefined;
    default:
      return undefined;
  }
}

/** libpg-query's fk_del_action codes; "a" (no action) is add-foreign-key's default. */
const ON_DELETE: Record<string, string> = { r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };

/** A plain index is add-index; a unique one on plain columns is add-unique (a concurrent unique index, then the constraint). */
function indexProposal(n: AstNode): Proposal | { message: string } {
  const table = relationName(n.relation as AstNode);
  const elems = list(n.indexParams).map((p) => p.IndexElem as AstNode);
  if (elems.some((e) => !e.name)) {
    return { message: `an expression index is not planned by add-index; build it with CREATE INDEX CONCURRENTLY outside a transaction, and drop it with DROP INDEX CONCURRENTLY to go back.` };
  }
  const columns = elems.map((e) => String(e.name));
  const name = n.idxname ? { name: n.idxname } : {};
  if (n.unique) {
    if (n.whereClause || (n.accessMethod && n.accessMethod !== 'btree')) {
      return { message: `a partial or non-btree unique index is not planned by add-unique; build it with CREATE UNIQUE INDEX CONCURRENTLY outside a transaction, and drop it with DROP INDEX CONCURRENTLY to go back.` };
    }
    return { slug: `unique-${slug(table)}-${columns.map(slug).join('-')}`, title: `Make (${columns.join(', ')}) unique in ${table}`, intent: 'add-unique', params: { table, columns, ...name } };
  }
  const params = {
    table,
    columns,
    ...name,
    ...(n.accessMethod && n.accessMethod !== 'btree' ? { method: n.accessMethod } : {}),
    ...(n.whereClause ? { where: exprText(n.whereClause as AstNode) } : {}),
  };
  return { slug: `index-${slug(table)}-${columns.map(slug).join('-')}`, title: `Index ${table} (${columns.join(', ')})`, intent: 'add-index', params };
}

/** Findings grouped by the statement they are about (a finding may point inside its statement). */
function findingsByStatement(files: SqlFile[], findings: Finding[]): Map<SqlStatement, Finding[]> {
  const out = new Map<SqlStatement, Finding[]>();
  for (const f of findings) {
    const statements = files.find((x) => x.file === f.file)?.statements ?? [];
    const s = statements.filter((x) => x.line < f.line || (x.line === f.line && x.column <= f.column)).at(-1);
    if (s) out.set(s, [...(out.get(s) ?? []), f]);
  }
  return out;
}

function slug(name: string): string {
  return String(name).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/**
 * A proposed change as a change file, with comments saying which statements it replaces.
 * @example changeFileYaml(result.changes[0]) // '# Replaces migrations/0002.sql:4 …\nversion: 1\n…'
 */
export function changeFileYaml(change: ProposedChange): string {
  const from = change.origins.map((o) => `#   ${o.file}:${o.line}: ${o.text.length > 90 ? `${o.text.slice(0, 87)}...` : o.text}`);
  const doc = new Document({ version: CHANGE_FILE_VERSION, id: change.id, title: change.title, intent: change.intent, params: change.params });
  // Each parameter on one line, as hand-written change files have them: `from: { table: t, join: c }`.
  const params = doc.get('params', true);
  if (isMap(params)) {
    for (const pair of params.items) {
      if (isCollection(pair.value)) pair.value.flow = true;
      const comment = isScalar(pair.key) ? change.comments?.[String(pair.key.value)] : undefined;
      if (comment && isNode(pair.value)) pair.value.comment = ` ${comment}`;
    }
  }
  const body = doc.toString({ lineWidth: 0, flowCollectionPadding: true });
  return `# Replaces:\n${from.join('\n')}\n${body}`;
}
