import type { Plan } from '@switchback/core';
import type { CatalogTable } from './rehearsal-catalog.js';

/** Pairs of tables whose rows are each other's by key (a split's table and its new table). */
export function sameRowsOf(plan: Plan): [string, string][] {
  return plan.shapes.joins.filter((j) => j.sameRows).map((j) => [j.from, j.to]);
}

/**
 * Every write a workload committed, as the database returned it (values as
 * text), so the rehearsal can prove afterwards that each is still there.
 * Sync between shapes runs along foreign keys and joins, so a version's
 * newer write to a row supersedes its older records of the rows linked to
 * it (its parents and children): those may legitimately hold the newer value.
 */
export interface WriteRecord {
  table: string;
  /** Primary-key column → value (text). */
  key: Record<string, string>;
  /** Column → committed value (text or null); absent for a delete. */
  values?: Record<string, string | null>;
  deleted: boolean;
  /** The SQL that committed it, for failure reports. */
  sql: string;
  /** `table#[values]` of the rows this one references, and of itself. */
  links: string[];
  self: string;
}

export function linkKey(table: string, values: (string | null)[]): string {
  return `${table}#${JSON.stringify(values)}`;
}

export class WriteLog {
  private readonly records = new Map<string, WriteRecord>();
  private readonly peers = new Map<string, string[]>();
  committed = 0;

  /** `sameRows`: pairs of tables whose rows are each other's by key (a split's table and its new table), synced both ways. */
  constructor(sameRows: [string, string][] = []) {
    for (const [a, b] of sameRows) {
      this.peers.set(a, [...(this.peers.get(a) ?? []), b]);
      this.peers.set(b, [...(this.peers.get(b) ?? []), a]);
    }
  }

  /** Record the writes one transaction committed (a dual write touches linked rows together). */
  record(batch: WriteRecord[]): void {
    const selves = new Set(batch.map((r) => r.self));
    for (const r of batch) {
      this.committed++;
      const same = (this.peers.get(r.table) ?? []).map((p) => linkKey(p, Object.values(r.key)));
      for (const [k, old] of this.records) {
        if (!selves.has(k) && (r.links.includes(old.self) || old.links.includes(r.self) || same.includes(old.self))) this.records.delete(k);
      }
    }
    for (const r of batch) {
      const prev = this.records.get(r.self);
      // An update keeps the columns it did not touch from the earlier record.
      const values = prev?.values && r.values ? { ...prev.values, ...r.values } : r.values;
      this.records.set(r.self, { ...r, ...(values ? { values } : {}) });
    }
  }

  /** The latest record per row. */
  all(): WriteRecord[] {
    return [...this.records.values()];
  }

  get size(): number {
    return this.records.size;
  }
}

/** The record of one row a statement returned (values as text), with the columns it wrote (none for a delete). */
export function recordOf(t: CatalogTable, row: Record<string, string | null>, columns: string[], sql: string, deleted: boolean): WriteRecord {
  const key = Object.fromEntries(t.primaryKey.map((c) => [c, row[c] ?? '']));
  const links = t.foreignKeys.map((f) => linkKey(f.table, f.columns.map((c) => row[c] ?? null)));
  return { table: t.name, key, deleted, sql, links, self: linkKey(t.name, t.primaryKey.map((c) => row[c] ?? null)), ...(deleted ? {} : { values: Object.fromEntries(columns.map((c) => [c, row[c] ?? null])) }) };
}
