import type { Migration, SqlClient } from '@switchback/sdk';
import { CUSTOMER_COLUMNS, tables, toCustomer, type AppDb, type Customer } from '../sql.js';

/**
 * Reads a customer with its contract details. Version 1 reads Tier and
 * EndDate from support_contract through the join; version 2 reads through the
 * migration helper, behind ReadContractDetailsFromCustomer.
 */
export class SupportCustomerReader {
  private readonly t: ReturnType<typeof tables>;

  constructor(
    private readonly db: AppDb,
    private readonly options: { schema?: string; migration?: Migration } = {},
  ) {
    this.t = tables(options.schema);
  }

  /** The previous shape: contract details from support_contract. */
  readOld(db: SqlClient, id: number): Promise<Customer | null> {
    return db
      .query(`SELECT ${CUSTOMER_COLUMNS}, k.tier, to_char(k.end_date, 'YYYY-MM-DD') AS "endDate"
                FROM ${this.t.customer} c LEFT JOIN ${this.t.contract} k ON k.customer_id = c.id WHERE c.id = $1`, [id])
      .then((r) => toCustomer(r.rows[0]));
  }

  /** The new shape: contract details on support_customer. */
  readNew(db: SqlClient, id: number): Promise<Customer | null> {
    return db
      .query(`SELECT ${CUSTOMER_COLUMNS}, c.tier, to_char(c.end_date, 'YYYY-MM-DD') AS "endDate" FROM ${this.t.customer} c WHERE c.id = $1`, [id])
      .then((r) => toCustomer(r.rows[0]));
  }

  /** Read one customer; `tenant` targets the read flag's allow-list. */
  async get(id: number, tenant?: string): Promise<Customer | null> {
    const migration = this.options.migration;
    if (!migration) return this.readOld(this.db, id);
    const ctx = { key: String(id), ...(tenant ? { tenant } : {}) };
    const stage = migration.stage(ctx);
    if (stage === 'shadow' || stage === 'live') {
      // Both sides from one snapshot, so a concurrent write cannot fake a mismatch; the
      // transaction ends when the read returns, so the read waits for the comparison.
      return this.db.transaction((tx) => migration.read(ctx, { old: () => this.readOld(tx, id), new: () => this.readNew(tx, id), awaitCompare: true }), { isolation: 'repeatable read', readOnly: true });
    }
    return migration.read(ctx, { old: () => this.readOld(this.db, id), new: () => this.readNew(this.db, id) });
  }
}
