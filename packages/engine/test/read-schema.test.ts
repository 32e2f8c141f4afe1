import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSchema } from '@switchback/engine';
import { targets, type TestDatabase } from '../../../test-support/databases.js';
import { ticketSql } from './intent-lifecycle.js';

describe.each(targets)('readSchema on $name', (target) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await target.create();
    await t.db.exec(`CREATE SCHEMA desk; ${ticketSql('desk', 3)}
CREATE UNIQUE INDEX ticket_subject ON desk.support_ticket (subject) WHERE status <> 'closed';
CREATE INDEX ticket_lower ON desk.support_ticket (lower(subject));
ALTER TABLE desk.support_ticket ADD CONSTRAINT ticket_key UNIQUE (customer_id, opened_at);
CREATE VIEW desk.open_ticket AS SELECT * FROM desk.support_ticket WHERE status = 'open';`);
  });
  afterEach(() => t.drop());

  it('reads indexes with the constraint each backs, enum labels in order, and views, as the intents need them', async () => {
    const s = await readSchema(t.db);
    expect(s.indexes?.['desk.support_ticket_pkey']).toEqual({ name: 'desk.support_ticket_pkey', table: 'desk.support_ticket', columns: ['id'], unique: true, valid: true, method: 'btree', constraint: { name: 'support_ticket_pkey', type: 'primary-key' } });
    expect(s.indexes?.['desk.ticket_key']).toMatchObject({ columns: ['customer_id', 'opened_at'], constraint: { name: 'ticket_key', type: 'unique' } });
    expect(s.indexes?.['desk.ticket_subject']).toMatchObject({ unique: true, predicate: "(status <> 'closed'::desk.ticket_status)" });
    expect(s.indexes?.['desk.ticket_subject']?.constraint).toBeUndefined();
    expect(s.indexes?.['desk.ticket_lower']?.columns).toEqual(['(lower(subject))']);
    expect(s.enums).toEqual({ 'desk.ticket_status': ['open', 'pending', 'closed'] });
    expect(s.views).toEqual(['desk.open_ticket']);
  });
});
