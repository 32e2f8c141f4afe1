import type { SchemaModel } from '../src/schema/schema-model.js';
import { col } from './seed-fixture.js';

/** examples/changes/schema.sql's support_customer and support_ticket, as the catalog describes them. */
export function ticketSchema(): SchemaModel {
  return {
    tables: {
      support_customer: {
        name: 'support_customer',
        schema: 'public',
        primaryKey: ['id'],
        columns: [col('id', 'bigint', false, "nextval('support_customer_id_seq'::regclass)"), col('tenant', 'text', false, "'default'::text"), col('contact_name', 'text', false), col('company_name', 'text', false), col('email', 'text'), col('address', 'text')],
      },
      support_ticket: {
        name: 'support_ticket',
        schema: 'public',
        primaryKey: ['id'],
        columns: [col('id', 'integer', false, "nextval('support_ticket_id_seq'::regclass)"), col('customer_id', 'bigint'), col('status', 'ticket_status', false, "'open'::ticket_status"), col('priority', 'integer', false, '3'), col('subject', 'text'), col('opened_at', 'timestamp with time zone', false, 'now()')],
      },
    },
    indexes: {
      support_customer_pkey: { name: 'support_customer_pkey', table: 'support_customer', columns: ['id'], unique: true, method: 'btree', constraint: { name: 'support_customer_pkey', type: 'primary-key' } },
      support_ticket_pkey: { name: 'support_ticket_pkey', table: 'support_ticket', columns: ['id'], unique: true, method: 'btree', constraint: { name: 'support_ticket_pkey', type: 'primary-key' } },
      support_ticket_priority: { name: 'support_ticket_priority', table: 'support_ticket', columns: ['priority'], unique: false, method: 'btree' },
    },
    enums: { ticket_status: ['open', 'pending', 'closed'] },
  };
}

