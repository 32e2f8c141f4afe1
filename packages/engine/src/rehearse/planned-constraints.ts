import type { Plan } from '@switchback/core';
import type { Catalog } from './rehearsal-catalog.js';

/**
 * The catalog with the foreign keys the plan adds (`plan.constraints`) next
 * to the tables' own, so that the generated rows and both versions' writes
 * name existing rows, as an application honouring the relationship does
 * before the database checks it. The gates still check the data as it is:
 * rows a rehearsal did not write itself can still be orphans.
 *
 *   withPlannedConstraints(catalog, plan).get('support_ticket')!.foreignKeys
 *   // [{ columns: ['customer_id'], table: 'support_customer', references: ['id'] }]
 */
export function withPlannedConstraints(catalog: Catalog, plan: Plan): Catalog {
  if (!plan.constraints?.length) return catalog;
  const out: Catalog = new Map();
  for (const [name, t] of catalog) {
    const planned = plan.constraints.filter(
      (c) => c.table === (t.view ?? t.name) && c.columns.every((x) => t.columns.some((col) => col.name === x)) && !t.foreignKeys.some((f) => f.columns.join() === c.columns.join()),
    );
    out.set(name, planned.length ? { ...t, foreignKeys: [...t.foreignKeys, ...planned.map((c) => ({ columns: c.columns, table: c.references.table, references: c.references.columns }))] } : t);
  }
  return out;
}
