import type { Migration, SqlClient } from '@switchback/sdk';
import { tables, type AppDb, type ContractDetails } from '../sql.js';

/**
 * Writes a customer's contract details. Version 1 writes support_contract;
 * version 2 writes through the migration helper (old shape first while it is
 * authoritative, the new shape behind DualWriteContractDetails), in one
 * transaction so both shapes change together.
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
    const old = () => this.writeOld(tx, id, d);
    const m = this.options.migration;
    if (!m) return old();
    await m.write({ key: String(id), tenant }, {
      old,
      // A savepoint keeps a failed new-shape write from aborting the transaction.
      new: async () => {
        await tx.query('SAVEPOINT dual_write');
        try {
          await tx.query(`UPDATE ${this.t.customer} SET tier = $2, end_date = $3 WHERE id = $1`, [id, d.tier, d.endDate]);
          await tx.query('RELEASE SAVEPOINT dual_write');
        } catch (e) {
          await tx.query('ROLLBACK TO SAVEPOINT dual_write');
          throw e;
        }
      },
    });
  }

  private async writeOld(tx: SqlClient, id: number, d: ContractDetails): Promise<void> {
    const updated = await tx.query(`UPDATE ${this.t.contract} SET tier = $2, end_date = $3 WHERE customer_id = $1 RETURNING id`, [id, d.tier, d.endDate]);
    if (!updated.rows.length) await tx.query(`INSERT INTO ${this.t.contract} (customer_id, tier, end_date) VALUES ($1, $2, $3)`, [id, d.tier, d.endDate]);
  }
}
