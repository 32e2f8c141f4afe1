import { describe, expect, it } from 'vitest';
import type { Plan, PlannedConstraint } from '@switchback/core';
import type { Catalog, CatalogForeignKey, CatalogTable } from './rehearsal-catalog.js';
import { withPlannedConstraints } from './planned-constraints.js';

const column = (name: string) => ({ name, type: 'bigint', category: 'N', nullable: true, default: null, auto: false });
const table = (name: string, columns: string[], o: Partial<CatalogTable> = {}): CatalogTable => ({ name, sql: `"${name}"`, columns: columns.map(column), primaryKey: ['id'], foreignKeys: [], unique: [], ...o });
const customer = table('support_customer', ['id']);
const ticketKey: PlannedConstraint = { kind: 'foreign-key', table: 'support_ticket', columns: ['customer_id'], references: { table: 'support_customer', columns: ['id'] } };
const planned: CatalogForeignKey = { columns: ['customer_id'], table: 'support_customer', references: ['id'] };
const plan = (constraints?: PlannedConstraint[]) => ({ constraints }) as unknown as Plan;
const keysOf = (c: Catalog) => Object.fromEntries([...c].map(([n, t]) => [n, t.foreignKeys]));

describe('withPlannedConstraints', () => {
  it.each<[string, CatalogTable[], PlannedConstraint[] | undefined, Record<string, CatalogForeignKey[]>]>([
    ['a plan that adds none leaves every table as it is', [customer, table('support_ticket', ['id', 'customer_id'])], undefined, { support_customer: [], support_ticket: [] }],
    ['the key joins the keys of its table', [customer, table('support_ticket', ['id', 'customer_id'])], [ticketKey], { support_customer: [], support_ticket: [planned] }],
    ['and of a view over it that shows its columns', [customer, table('support_ticket', ['id', 'customer_id']), table('ticket', ['id', 'customer_id'], { view: 'support_ticket' })], [ticketKey], { support_customer: [], support_ticket: [planned], ticket: [planned] }],
    ['but not of a view that hides them', [customer, table('support_ticket', ['id', 'customer_id']), table('ticket', ['id'], { view: 'support_ticket' })], [ticketKey], { support_customer: [], support_ticket: [planned], ticket: [] }],
    ['a key the database already has is not added twice', [customer, table('support_ticket', ['id', 'customer_id'], { foreignKeys: [planned] })], [ticketKey], { support_customer: [], support_ticket: [planned] }],
  ])('%s', (_name, tables, constraints, want) => {
    const catalog: Catalog = new Map(tables.map((t) => [t.name, t]));
    expect(keysOf(withPlannedConstraints(catalog, plan(constraints)))).toEqual(want);
    expect(keysOf(catalog).support_ticket, 'the catalog read from the database is not changed').toEqual(tables[1]!.foreignKeys);
  });
});
