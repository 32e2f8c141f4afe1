import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlagClient, Migration, type SqlClient } from '../src/index.js';
import { sdkTargets, type SdkDatabase } from './server-database.js';

const CHANGE = 'contract-into-customer';
const READ = 'ReadContractDetailsFromCustomer';
const DUAL = 'DualWriteContractDetails';
const ctx = { key: '1' };

/**
 * Sync 'app' at cut-off (ramp-down), through contract's archive step: the app
 * writes new first and old after it, isolated in a savepoint, so the writes
 * that race the archive lose nothing.
 */
describe.each(sdkTargets)('ramp-down on $name', ({ create }) => {
  let t: SdkDatabase;
  let flags: FlagClient;
  let migration: Migration;

  beforeAll(async () => {
    t = await create();
    await t.exec(`
      CREATE TABLE support_customer (id int PRIMARY KEY, tier text);
      CREATE TABLE support_contract (customer_id int PRIMARY KEY, tier text);
      CREATE SCHEMA archive;
      INSERT INTO support_customer VALUES (1, 'silver');
      INSERT INTO support_contract VALUES (1, 'silver');
      INSERT INTO switchback.flags (name, enabled, rollout_bps) VALUES ('${READ}', true, 10000), ('${DUAL}', true, 10000);
      INSERT INTO switchback.changes (id, applied_phase) VALUES ('${CHANGE}', 'cut-off');`);
    flags = await FlagClient.start(t.db, { pollMs: 60_000 });
    migration = new Migration({ flags, change: CHANGE, sync: 'app', readFlag: READ, dualWriteFlag: DUAL });
  });
  afterAll(async () => {
    await flags?.close();
    await t?.drop();
  });

  /** One request: a transaction writing `tier` through the migration; `isolateOld` wraps the old write in a savepoint. */
  async function update(tier: string, isolateOld: boolean): Promise<void> {
    const { client, release } = await t.session();
    const oldWrite = (tx: SqlClient) => tx.query('UPDATE support_contract SET tier = $2 WHERE customer_id = $1', [1, tier]);
    try {
      await client.query('BEGIN');
      await migration.write(ctx, {
        new: async () => void (await client.query('UPDATE support_customer SET tier = $2 WHERE id = $1', [1, tier])),
        old: async () => {
          if (!isolateOld) return void (await oldWrite(client));
          await client.query('SAVEPOINT old_shape');
          try {
            await oldWrite(client);
            await client.query('RELEASE SAVEPOINT old_shape');
          } catch (e) {
            await client.query('ROLLBACK TO SAVEPOINT old_shape');
            throw e;
          }
        },
      });
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK');
      throw e;
    } finally {
      release();
    }
  }
  const tierOf = async (table: string): Promise<string | undefined> =>
    (await t.db.query<{ tier: string }>(`SELECT tier FROM ${table} WHERE ${table.endsWith('customer') ? 'id' : 'customer_id'} = 1`)).rows[0]?.tier;

  it('writes new, then old, while old exists', async () => {
    expect(migration.stage(ctx)).toBe('ramp-down');
    await update('gold', true);
    expect(await tierOf('support_customer')).toBe('gold');
    expect(await tierOf('support_contract')).toBe('gold');
  });

  it('once contract has archived old, the old write fails, is recorded, and the new one commits', async () => {
    await t.exec('ALTER TABLE support_contract SET SCHEMA archive');
    const before = migration.counters().dualWriteErrors;
    await update('platinum', true);
    expect(await tierOf('support_customer')).toBe('platinum');
    expect(await tierOf('archive.support_contract')).toBe('gold');
    expect(migration.counters().dualWriteErrors).toBe(before + 1);
  });

  it('without the savepoint the failed old write aborts the transaction, and the new write is lost', async () => {
    await update('bronze', false).catch(() => {}); // pg answers COMMIT of an aborted transaction with ROLLBACK
    expect(await tierOf('support_customer')).toBe('platinum');
  });
});
