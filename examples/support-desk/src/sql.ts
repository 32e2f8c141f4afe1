import type { SqlClient } from '@switchback/sdk';

/** The database the app needs: queries, and transactions (both PGlite and pg pools provide them via @switchback/engine's Db). */
export interface AppDb extends SqlClient {
  transaction<T>(fn: (tx: SqlClient) => Promise<T>, options?: { isolation?: 'read committed' | 'repeatable read' | 'serializable'; readOnly?: boolean }): Promise<T>;
}

/** The app's tables, optionally in a schema of their own. */
export function tables(schema = 'public') {
  const q = (t: string) => `"${schema.replace(/"/g, '""')}"."${t}"`;
  return { customer: q('support_customer'), contract: q('support_contract') };
}

export interface Customer {
  id: number;
  tenant: string;
  contactName: string;
  companyName: string;
  tier: string | null;
  endDate: string | null;
}

export interface ContractDetails {
  tier: string | null;
  endDate: string | null;
}

export const CUSTOMER_COLUMNS = `c.id::int8 AS id, c.tenant, c.contact_name AS "contactName", c.company_name AS "companyName"`;

export function toCustomer(row: Record<string, unknown> | undefined): Customer | null {
  if (!row) return null;
  return {
    id: Number(row.id),
    tenant: String(row.tenant),
    contactName: String(row.contactName),
    companyName: String(row.companyName),
    tier: (row.tier as string | null) ?? null,
    endDate: (row.endDate as string | null) ?? null,
  };
}
