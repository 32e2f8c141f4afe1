import type { Migration, SqlClient } from '@switchback/sdk';
import { tables, type AppDb, type ContractDetails } from '../sql.js';

/**
 * Writes a customer's contract details. Version 1 writes support_contract;
 * version 2 writes through the migration helper (old shape first while it is
 * authoritative, the new shape behind DualWriteContractDetails; from cut-off
 * new first, then old behind the same flag until contract turns it off), in
 * one transaction so both shapes change together.
 */
export class ContractWriter {
  private readonly t: ReturnType<typeof tables>;

  constructor(
    private readonly db: AppDb,
    private readonly options: { schema?: string; migration?: Migration } = {},
  ) {
    this.t = tables(options.schema);
  }

  /** Create a customer with its contract; returns the new id. */
  async createCustomer(c: { tenant: string; contactName: string; companyName: string; address?: string } & ContractDetails): Promise<number> {
    return this.db.transaction(async (tx) => {
      const m = this.options.migration;
      const complete = m?.stage({ key: 'new', tenant: c.tenant }) === 'complete';
      const { rows } = await tx.query<{ id: number }>(
        complete
          ? `INSERT INTO ${this.t.customer} (tenant, contact_name, company_name, address, tier, end_date) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id::int8 AS id`
          : `INSERT INTO ${this.t.customer} (tenant, contact_name, company_name, address) VALUES ($1, $2, $3, $4) RETURNING id::int8 AS id`,
        complete ? [c.tenant, c.contactName, c.companyName, c.address ?? null, c.tier, c.endDate] : [c.tenant, c.contactName, c.companyName, c.address ?? null],
      );
      const id = Number(rows[0]!.id);
      if (!complete) await this.write(tx, id, c.tenant, c);
      return id;
    });
  }

  /** Change a customer's tier and end date. */
  async update(customerId: number, tenant: string, details: ContractDetails): Promise<void> {
    await this.db.transaction((tx) => this.write(tx, customerId, tenant, details));
  }

  private async write(tx: SqlClient, id: number, tenant: string, d: ContractDetails): Promise<void> {
    const m = this.options.migration;
    if (!m) return this.writeOld(tx, id, d);
    // Each side in a savepoint of its own: the one written second (new until cut-off, old from
    // cut-off until contract) may fail, e.g. old once contract has archived it, and its failure
    // is recorded, never thrown, so it must not abort the transaction the first side wrote in.
    await m.write({ key: String(id), tenant }, {
      old: () => inSavepoint(tx, 'old_shape', () => this.writeOld(tx, id, d)),
      new: () => inSavepoint(tx, 'new_shape', () => this.writeNew(tx, id, d)),
    });
  }

  private async writeNew(tx: SqlClient, id: number, d: ContractDetails): Promise<void> {
    await tx.query(`UPDATE ${this.t.customer} SET tier = $2, end_date = $3 WHERE id = $1`, [id, d.tier, d.endDate]);
  }

  private async writeOld(tx: SqlClient, id: number, d: ContractDetails): Promise<void> {
    const updated = await tx.query(`UPDATE ${this.t.contract} SET tier = $2, end_date = $3 WHERE customer_id = $1 RETURNING id`, [id, d.tier, d.endDate]);
    if (!updated.rows.length) await tx.query(`INSERT INTO ${this.t.contract} (customer_id, tier, end_date) VALUES ($1, $2, $3)`, [id, d.tier, d.endDate]);
  }
}

/** Runs `fn` in a savepoint, so its failure undoes only its own statements, not the transaction's. */
async function inSavepoint(tx: SqlClient, name: string, fn: () => Promise<void>): Promise<void> {
  await tx.query(`SAVEPOINT ${name}`);
  try {
    await fn();
    await tx.query(`RELEASE SAVEPOINT ${name}`);
  } catch (e) {
    await tx.query(`ROLLBACK TO SAVEPOINT ${name}`);
    throw e;
  }
}
