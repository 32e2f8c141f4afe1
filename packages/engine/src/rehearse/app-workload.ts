import { ident, seededRandom, type Plan } from '@switchback/core';
import { errorCode, type Db, type Queryable } from '../db/db.js';
import { equalsParam, holdSql, readCatalog, type Catalog, type CatalogCheck, type CatalogTable } from './rehearsal-catalog.js';
import { CANDIDATES, checkedInsertSql, rowNumber } from './checked-insert.js';
import { mirrorWrite, type Run } from './dual-write.js';
import { CHECKED_DRAWS, valueSql } from './generate-data.js';
import { withPlannedConstraints } from './planned-constraints.js';
import { columnValue, hiddenReferrer, parentColumns, requiredColumns, tablesOf, type WorkloadShape } from './workload-columns.js';
import { accessOf, columnsOf, type AppVersion, type State } from './rehearsal-schedule.js';
import { rowPerParent, upsertSql } from './upsert-sql.js';
import { linkKey, recordOf, sameRowsOf, WriteLog, type WriteRecord } from './write-log.js';

const FOREIGN_KEY_VIOLATION = '23503';
const CHECK_VIOLATION = '23514';

export interface WorkloadFailure {
  version: AppVersion;
  /** Index of the rehearsal edge during which it failed (-1: while loading). */
  edge: number;
  /** What the version was doing: `insert support_contract`, `read support_customer`. */
  operation: string;
  query: string;
  error: string;
}

export interface WorkloadOptions {
  db: Db;
  plan: Plan;
  version: AppVersion;
  /** Rows generated per table: the version updates generated rows of its half (even keys: old, odd: new). */
  rows: number;
  seed: number;
  /** The state whose access the version follows now (the ledger's applied phase). */
  state: () => Promise<State>;
  /** The flags that are on now (enabled, above 0%): a write behind one of them is an app's dual-write. */
  flagsOn: () => Promise<Set<string>>;
  /** The tables before the change: a column the change adds to one is one the new code fills, never NULL. */
  start: Catalog;
}

/**
 * One app version, generated from the plan: it inserts, updates, deletes and
 * reads the tables its access lists, with the columns of its shape, and logs
 * every committed write. Values come from the same generator as the data, so
 * they respect types and CHECK lists. Operations run one at a time; the
 * rehearsal pauses the loop to check, and turns it on and off per state.
 */
export class AppWorkload {
  readonly log: WriteLog;
  /** A split's tables, [new table, old table]: they hold the same rows. */
  private readonly sameRows: [string, string][];
  readonly failures: WorkloadFailure[] = [];
  ops = 0;
  reads = 0;
  edge = -1;
  active = false;
  private catalog?: Catalog;
  private owned = new Map<string, Record<string, string>[]>();
  private counter: number;
  private random: () => number;
  private loop?: Promise<void>;
  private running = false;
  private idle?: () => void;
  private readonly shape: WorkloadShape;

  constructor(private readonly o: WorkloadOptions) {
    this.random = seededRandom(o.seed * 2 + (o.version === 'old' ? 0 : 1));
    this.shape = { plan: o.plan, version: o.version, start: o.start, seed: o.seed };
    this.sameRows = sameRowsOf(o.plan);
    this.log = new WriteLog(this.sameRows);
    // Above every generated row (drawn among CHECKED_DRAWS × rows under a CHECK), and apart per version.
    this.counter = (CHECKED_DRAWS + 1) * o.rows + (o.version === 'old' ? 0 : 500_000_000);
  }

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        if (this.active) await this.step();
        // A macrotask between operations, so the executor (on PGlite, the same single connection) gets its turn.
        await new Promise((r) => (this.active ? setImmediate(r) : setTimeout(r, 5)));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Run at least `n` more operations (after a transition, so every state sees traffic). */
  async settle(n: number): Promise<void> {
    const until = this.ops + n;
    while (this.active && this.running && this.ops < until) await new Promise((r) => setTimeout(r, 1));
  }

  /** Stop after the current operation and wait for it. */
  async pause(): Promise<void> {
    this.active = false;
    await new Promise<void>((resolve) => {
      if (!this.busy) resolve();
      else this.idle = resolve;
    });
  }

  private busy = false;
  /** The tables the version writes in the current operation's state. */
  private writes: string[] = [];

  private async step(): Promise<void> {
    this.busy = true;
    try {
      const [state, on] = await Promise.all([this.o.state(), this.o.flagsOn()]);
      const access = accessOf(this.o.plan, this.o.version, state, (f) => on.has(f));
      this.catalog ??= await this.readCatalog();
      const writes = tablesOf(this.catalog, access.writes);
      this.writes = writes;
      const r = this.random();
      if (r < 0.3 || !writes.length) await this.read(pick(tablesOf(this.catalog, access.reads), this.random));
      else if (r < 0.55) await this.insert(pick(writes, this.random));
      else if (r < 0.9) await this.update(pick(writes, this.random));
      else await this.delete(pick(writes, this.random));
    } catch (e) {
      // Reading the state or the catalog failed: the version could not tell what to run.
      this.failures.push({ version: this.o.version, edge: this.edge, operation: 'look up the applied phase and the tables', query: '', error: e instanceof Error ? e.message : String(e) });
    } finally {
      this.ops++;
      this.busy = false;
      this.idle?.();
      this.idle = undefined;
    }
  }

  private async table(name: string): Promise<CatalogTable | undefined> {
    this.catalog ??= await this.readCatalog();
    if (!this.catalog.has(name) || (columnsOf(this.o.plan, this.o.version, name) ?? []).some((c) => !this.catalog!.get(name)!.columns.some((x) => x.name === c))) {
      this.catalog = await this.readCatalog();
    }
    return this.catalog.get(name);
  }

  /** The live tables, with the foreign keys the change adds: the version writes rows that hold them already. */
  private async readCatalog(): Promise<Catalog> {
    return withPlannedConstraints(await readCatalog(this.o.db, { views: true }), this.o.plan);
  }

  private async mirror(t: CatalogTable, row: Record<string, string | null>, columns: string[], deleted: boolean, run: Run, records: WriteRecord[]): Promise<void> {
    const writer = { plan: this.o.plan, version: this.o.version, seed: this.o.seed, catalog: this.catalog, writes: this.writes, next: () => ++this.counter };
    await mirrorWrite(writer, t, row, columns, deleted, run, records);
  }

  /**
   * Run one operation's statements in a transaction; a failure is recorded
   * with its query, never thrown. 'again': the new version met a CHECK the
   * change added since it read the catalog (a step adds it while the version
   * runs); its code knows that CHECK, so it has read the catalog again and
   * the caller builds the operation anew, once (`retry` false the second time).
   */
  private async attempt(operation: string, tolerated: string[], fn: (tx: Queryable, run: Run) => Promise<WriteRecord[]>, retry = true): Promise<'again' | undefined> {
    let last = '';
    try {
      const records = await this.o.db.transaction((tx) =>
        fn(tx, async (sql, params) => {
          last = sql;
          return (await tx.query<Record<string, string | null>>(sql, params)).rows;
        }),
      );
      this.log.record(records);
    } catch (e) {
      const code = errorCode(e) ?? '';
      if (code === CHECK_VIOLATION && this.o.version === 'new' && retry) {
        this.catalog = await this.readCatalog();
        return 'again';
      }
      const hidden = code === FOREIGN_KEY_VIOLATION ? hiddenReferrer(this.catalog, e) : undefined;
      if (tolerated.includes(code) && !hidden) return undefined;
      const message = e instanceof Error ? e.message : String(e);
      this.failures.push({ version: this.o.version, edge: this.edge, operation, query: last, error: hidden ? `${message} (${hidden} is not an application table: no version can delete its rows first)` : message });
    }
    return undefined;
  }

  /**
   * The CHECKs (beyond simple lists) the version's rows hold: the new
   * version's code is written for the shape the change makes, every CHECK
   * of it included; the previous version's knows only those it started with,
   * so a plan that adds one under its feet is caught.
   */
  private checksOf(t: CatalogTable): CatalogCheck[] {
    const all = t.checks ?? [];
    if (this.o.version === 'new') return [...all, ...this.leftFor(t, all)];
    const before = new Set((this.o.start.get(t.view ?? t.name)?.checks ?? []).map((k) => k.expr));
    return all.filter((k) => before.has(k.expr));
  }

  /**
   * For the new version, the rows a split leaves in `t`: not those its new
   * table's own CHECKs (the predicate) hold, which the version writes there.
   */
  private leftFor(t: CatalogTable, own: CatalogCheck[]): CatalogCheck[] {
    const mine = new Set(own.map((k) => k.expr));
    return this.sameRows
      .filter(([, table]) => table === (t.view ?? t.name))
      .flatMap(([into]) => this.catalog?.get(into)?.checks ?? [])
      .filter((k) => !mine.has(k.expr))
      .map((k) => ({ expr: `NOT (${k.expr})`, columns: k.columns }));
  }

  /**
   * The row of `t` whose key is given from parameter `first` on, if it holds
   * `checks` (the table's CHECKs as the version knows them): a row that does not (a
   * split's moved row not yet deleted) is not the version's to update or delete.
   */
  private rowWhere(t: CatalogTable, first: number, checks: CatalogCheck[]): string {
    const key = t.primaryKey.map((c, j) => equalsParam(t, c, j + first)).join(' AND ');
    return checks.length ? `${key} AND ${holdSql(checks)}` : key;
  }

  private columns(t: CatalogTable, names: string[] | undefined): string[] {
    return names ?? t.columns.map((c) => c.name);
  }

  private async read(name: string | undefined): Promise<void> {
    if (!name) return;
    const t = await this.table(name);
    const cols = columnsOf(this.o.plan, this.o.version, name) ?? t?.columns.map((c) => c.name) ?? [];
    const target = t?.sql ?? ident(name);
    const keys = t ? await this.sampleKeys(t) : [];
    const pk = t?.primaryKey ?? [];
    const where = t && pk.length === 1 && keys.length ? ` WHERE ${equalsParam(t, pk[0]!, 1, true)}` : ' LIMIT 20';
    const sql = `SELECT ${cols.map(ident).join(', ')} FROM ${target}${where}`;
    await this.attempt(`read ${name}`, [], async (_tx, run) => {
      await run(sql, where.startsWith(' WHERE') ? [keys.map((k) => k[pk[0]!])] : []);
      this.reads++;
      return [];
    });
  }

  private async sampleKeys(t: CatalogTable): Promise<Record<string, string>[]> {
    const mine = this.owned.get(t.name) ?? [];
    const keys = Array.from({ length: Math.min(3, mine.length) }, () => mine[Math.floor(this.random() * mine.length)]!);
    const g = this.generatedKey(t);
    if (g) keys.push(g);
    return keys;
  }

  /** A generated row of this version's half, when the key is one integer column (generated as 1..rows). */
  private generatedKey(t: CatalogTable): Record<string, string> | undefined {
    const pk = t.primaryKey;
    if (pk.length !== 1 || t.columns.find((c) => c.name === pk[0])?.category !== 'N') return undefined;
    const half = Math.floor(this.o.rows / 2);
    if (half < 1) return undefined;
    const k = 2 * (1 + Math.floor(this.random() * half)) - (this.o.version === 'old' ? 0 : 1);
    return { [pk[0]!]: String(k) };
  }

  private async insert(name: string | undefined, retry = true): Promise<void> {
    if (!name) return;
    const t = await this.table(name);
    const outcome = await this.attempt(`insert ${name}`, [], async (_tx, run) => {
      const records: WriteRecord[] = [];
      await this.insertRow(name, t, run, records, true);
      return records;
    }, retry);
    if (outcome === 'again') await this.insert(name, false);
  }

  /**
   * Insert a row of `name`, and first a parent row for each foreign key. A
   * parent the version does not write here gets only the columns of
   * `parentColumns`.
   */
  private async insertRow(name: string, t: CatalogTable | undefined, run: Run, records: WriteRecord[], written: boolean): Promise<Record<string, string | null>> {
    const known = written ? columnsOf(this.o.plan, this.o.version, name) : parentColumns(this.shape, name);
    const cols = t ? [...this.columns(t, known), ...requiredColumns(this.shape, t, known)] : (known ?? []);
    const fkValues = new Map<string, string | null>();
    const params: unknown[] = [++this.counter];
    for (const fk of t?.foreignKeys ?? []) {
      if (!fk.columns.some((c) => cols.includes(c)) || fk.table === name) continue;
      const parent = await this.catalogTable(fk.table);
      // A table the change creates and the version does not write is reference data the plan fills (a
      // lookup): the app refers to one of its rows rather than inventing one.
      const lookup = !this.o.start.has(fk.table) && !this.writes.includes(fk.table) && parent;
      const picked = lookup ? (await run(`SELECT ${fk.references.map((c) => `${ident(c)}::text AS ${ident(c)}`).join(', ')} FROM ${parent.sql} ORDER BY ${fk.references.map(ident).join(', ')} LIMIT 1 OFFSET (SELECT floor($1::float8 * count(*))::bigint FROM ${parent.sql})`, [this.random()]))[0] : undefined;
      const row = picked ?? (await this.insertRow(fk.table, parent, run, records, false));
      fk.columns.forEach((c, j) => fkValues.set(c, row[fk.references[j]!] ?? null));
    }
    const checks = t ? this.checksOf(t) : [];
    const exprs: string[] = [];
    const raw: string[] = [];
    for (const c of cols) {
      const col = t?.columns.find((x) => x.name === c);
      let v: string | undefined;
      if (fkValues.has(c)) {
        params.push(fkValues.get(c));
        v = `$${params.length}::${col!.type}`;
      } else v = col ? columnValue(this.shape, t!, col, rowNumber(t!, checks, c)) : 'NULL';
      if (v === undefined) continue;
      raw.push(c);
      exprs.push(v);
    }
    const returning = t ? [...new Set([...t.primaryKey, ...t.foreignKeys.flatMap((f) => f.columns), ...cols, ...this.referencedColumns(name)])] : cols;
    const held = checks.filter((k) => k.columns.every((c) => raw.includes(c)));
    const sql = checkedInsertSql(t?.sql ?? ident(name), raw, exprs, held, returning.map((c) => `${ident(c)}::text AS ${ident(c)}`).join(', '));
    const row = (await run(sql, params))[0];
    if (!row) throw new Error(`none of ${CANDIDATES} generated rows of ${name} holds its CHECK ${held.map((k) => k.expr).join(' AND ')}`);
    if (t) {
      const record = recordOf(t, row, raw.filter((c) => !t.primaryKey.includes(c)), sql, false);
      records.push(record);
      if (written) {
        (this.owned.get(name) ?? this.owned.set(name, []).get(name)!).push(record.key);
        await this.mirror(t, row, raw, false, run, records);
      }
    }
    return row;
  }

  /** A table from the catalog read before the transaction (reading it inside would wait for the transaction on PGlite). */
  private async catalogTable(name: string): Promise<CatalogTable | undefined> {
    return this.catalog?.get(name);
  }


  /** Columns of `name` that other tables' foreign keys reference. */
  private referencedColumns(name: string): string[] {
    return [...(this.catalog?.values() ?? [])].flatMap((t) => t.foreignKeys.filter((f) => f.table === name).flatMap((f) => f.references));
  }

  private pickRow(t: CatalogTable, ownOnly: boolean): Record<string, string> | undefined {
    const mine = this.owned.get(t.name) ?? [];
    if (mine.length && (ownOnly || this.random() < 0.5)) return mine[Math.floor(this.random() * mine.length)];
    return ownOnly ? undefined : this.generatedKey(t);
  }

  /** Update a row of the version's half, or upsert one of a table with a row per parent row (`rowPerParent`). */
  private async update(name: string | undefined, retry = true): Promise<void> {
    if (!name) return;
    const t = await this.table(name);
    if (!t || !t.primaryKey.length) return;
    const key = this.pickRow(t, false);
    if (!key) return;
    // Keys stay, and so do the columns of a CHECK the values do not meet by construction (a split's predicate).
    const checks = this.checksOf(t);
    const fixed = new Set([...t.foreignKeys.flatMap((f) => f.columns), ...checks.flatMap((k) => k.columns)]);
    const cols = this.columns(t, columnsOf(this.o.plan, this.o.version, name)).filter((c) => !t.primaryKey.includes(c) && !fixed.has(c));
    const values: string[] = [];
    const written: string[] = [];
    for (const c of cols) {
      const col = t.columns.find((x) => x.name === c);
      const v = col ? columnValue(this.shape, t, col, '$1::bigint') : 'NULL';
      if (v === undefined) continue;
      values.push(v);
      written.push(c);
    }
    if (!written.length) return;
    const params: unknown[] = [++this.counter, ...t.primaryKey.map((c) => key[c])];
    const where = this.rowWhere(t, 2, checks);
    const returning = [...new Set([...t.primaryKey, ...t.foreignKeys.flatMap((f) => f.columns), ...written])].map((c) => `${ident(c)}::text AS ${ident(c)}`).join(', ');
    const sets = written.map((c, i) => `${ident(c)} = ${values[i]}`).join(', ');
    const sql = rowPerParent(t) ? upsertSql(t, written, values, returning) : `UPDATE ${t.sql} SET ${sets} WHERE ${where} RETURNING ${returning}`;
    const outcome = await this.attempt(`update ${name}`, [], async (_tx, run) => {
      const records: WriteRecord[] = [];
      for (const row of await run(sql, params)) {
        records.push(recordOf(t, row, written, sql, false));
        await this.mirror(t, row, written, false, run, records);
      }
      return records;
    }, retry);
    if (outcome === 'again') await this.update(name, false);
  }

  /** Delete a row this version inserted. */
  private async delete(name: string | undefined): Promise<void> {
    if (!name) return;
    const t = await this.table(name);
    if (!t || !t.primaryKey.length) return;
    const key = this.pickRow(t, true);
    if (!key) return;
    const params = t.primaryKey.map((c) => key[c]);
    const where = this.rowWhere(t, 1, this.checksOf(t));
    const returning = [...new Set([...t.primaryKey, ...t.foreignKeys.flatMap((f) => f.columns)])];
    const sql = `DELETE FROM ${t.sql} WHERE ${where} RETURNING ${returning.map((c) => `${ident(c)}::text AS ${ident(c)}`).join(', ')}`;
    // A row that rows of a live application table still reference cannot be deleted: the app is told so by
    // the foreign key, as in production, and can delete those rows first. A refusal by a table out of the
    // application's way (archived by contract) is a failure: no version can see, let alone clear, those rows.
    await this.attempt(`delete ${name}`, [FOREIGN_KEY_VIOLATION], async (_tx, run) => {
      const rows = await run(sql, params);
      if (rows.length) this.owned.set(name, (this.owned.get(name) ?? []).filter((k) => t.primaryKey.some((c) => k[c] !== key[c])));
      const records = rows.map((row) => recordOf(t, row, [], sql, true));
      const cols = columnsOf(this.o.plan, this.o.version, name) ?? t.columns.map((c) => c.name);
      for (const row of rows) await this.mirror(t, row, cols, true, run, records);
      return records;
    });
  }
}

function pick<T>(xs: T[], random: () => number): T | undefined {
  return xs.length ? xs[Math.floor(random() * xs.length)] : undefined;
}
