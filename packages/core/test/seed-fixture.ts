import { executionSettings, moveColumnsParams, type ChangeSpec } from '../src/change/change-spec.js';
import { planMoveColumns } from '../src/intents/move-columns-intent.js';
import type { Plan, SyncMode } from '../src/plan/plan.js';
import type { ColumnModel, SchemaModel, TableModel } from '../src/schema/schema-model.js';

export const col = (name: string, type: string, nullable = true, def: string | null = null): ColumnModel => ({ name, type, nullable, default: def });

/** The seed's two tables, as the catalog describes examples/support-desk/migrations/0001. */
export function seedSchema(): SchemaModel {
  const customer: TableModel = { name: 'support_customer', schema: 'public', primaryKey: ['id'], columns: [col('id', 'bigint', false, "nextval('support_customer_id_seq'::regclass)"), col('tenant', 'text', false, "'default'::text"), col('contact_name', 'text', false), col('company_name', 'text', false), col('address', 'text')] };
  const contract: TableModel = { name: 'support_contract', schema: 'public', primaryKey: ['id'], columns: [col('id', 'bigint', false, "nextval('support_contract_id_seq'::regclass)"), col('customer_id', 'bigint', false), col('start_date', 'date', false, 'CURRENT_DATE'), col('tier', 'text'), col('end_date', 'date')] };
  return { tables: { support_customer: customer, support_contract: contract } };
}

/** The seed's change, every default filled in by the real schemas. */
export function seedChange(sync: SyncMode = 'trigger', params: Record<string, unknown> = {}): ChangeSpec {
  return {
    id: '0001-contract-into-customer',
    file: 'changes/0001-contract-into-customer.yaml',
    title: 'Move contract tier and end date onto the customer',
    intent: 'move-columns',
    sync,
    params: moveColumnsParams.parse({ from: { table: 'support_contract', join: 'customer_id' }, to: { table: 'support_customer' }, columns: ['tier', 'end_date'], ...params }),
    execution: executionSettings.parse(undefined),
  };
}

export function seedPlan(sync: SyncMode = 'trigger', params: Record<string, unknown> = {}, schema = seedSchema()): Plan {
  const r = planMoveColumns(seedChange(sync, params) as never, schema);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.plan;
}
