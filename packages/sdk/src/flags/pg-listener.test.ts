import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FlagClient } from './flag-client.js';
import { pgListener, type PgListenClient } from './pg-listener.js';
import type { Snapshot } from './snapshot.js';

/** A pg.Client stand-in: `down` makes connect fail; `kill()` drops the connection as pg does. */
class FakeClient extends EventEmitter implements PgListenClient {
  static down = false;
  static live: FakeClient[] = [];
  listening: string[] = [];
  ended = false;
  async connect(): Promise<void> {
    if (FakeClient.down) throw new Error('connect ECONNREFUSED');
    FakeClient.live.push(this);
  }
  async query(sql: string): Promise<void> {
    this.listening.push(sql);
  }
  async end(): Promise<void> {
    this.ended = true;
    FakeClient.live = FakeClient.live.filter((c) => c !== this);
  }
  notify(channel = 'switchback_flags'): void {
    this.emit('notification', { channel, payload: 'F' });
  }
  kill(): void {
    this.emit('error', new Error('terminating connection due to administrator command'));
    this.emit('end');
  }
}

const snap = (version: number): Snapshot => ({
  flags: new Map([['F', { name: 'F', enabled: version > 0, rolloutBps: 10_000, allowTenants: [], version }]]),
  phases: new Map(),
  loadedAt: new Date(),
});

afterEach(() => {
  FakeClient.down = false;
  FakeClient.live = [];
});

describe('pgListener', () => {
  it('LISTENs on the flags channel and reloads on each notification', async () => {
    let version = 1;
    let loads = 0;
    const flags = await FlagClient.fromSource(
      { load: async () => (loads++, snap(version)) },
      { pollMs: 60_000, listen: pgListener(() => new FakeClient()) },
    );
    const [conn] = FakeClient.live;
    expect(conn?.listening).toEqual(['LISTEN "switchback_flags"']);
    await vi.waitFor(() => expect(loads).toBe(2)); // the catch-up reload after connecting
    version = 2;
    conn?.notify('some_other_channel');
    conn?.notify();
    await vi.waitFor(() => expect(flags.snapshot.flags.get('F')?.version).toBe(2));
    expect(loads).toBe(3);
    await flags.close();
    expect(conn?.ended).toBe(true);
  });

  it('keeps the last snapshot while the database is down, reconnects with backoff, then catches up', async () => {
    let down = false;
    let version = 1;
    const errors: unknown[] = [];
    const flags = await FlagClient.fromSource(
      {
        load: async () => {
          if (down) throw new Error('connection refused');
          return snap(version);
        },
      },
      { pollMs: 60_000, onError: (e) => errors.push(e), listen: pgListener(() => new FakeClient(), { minBackoffMs: 5, maxBackoffMs: 40 }) },
    );
    down = true;
    FakeClient.down = true;
    FakeClient.live[0]?.kill();
    await vi.waitFor(() => expect(errors.filter((e) => String(e).includes('ECONNREFUSED')).length).toBeGreaterThan(3));
    await flags.refresh();
    expect(flags.isEnabled('F', { key: 'k' })).toBe(true); // last snapshot kept
    expect(flags.snapshot.flags.get('F')?.version).toBe(1);
    version = 0; // the kill switch was pulled while we were away
    down = false;
    FakeClient.down = false;
    await vi.waitFor(() => expect(flags.isEnabled('F', { key: 'k' })).toBe(false), { timeout: 2000 });
    expect(FakeClient.live).toHaveLength(1);
    await flags.close();
    expect(FakeClient.live).toHaveLength(0);
  });

  it('stops reconnecting once closed', async () => {
    const made: FakeClient[] = [];
    FakeClient.down = true;
    const flags = await FlagClient.fromSource(
      { load: async () => snap(1) },
      { pollMs: 60_000, listen: pgListener(() => (made.push(new FakeClient()), made.at(-1)!), { minBackoffMs: 5 }) },
    );
    await vi.waitFor(() => expect(made.length).toBeGreaterThan(1));
    await flags.close();
    const n = made.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(made.length).toBe(n);
  });
});
