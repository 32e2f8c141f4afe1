import type { Listener } from './listener.js';

/** The part of a `pg.Client` that {@link pgListener} uses (so `pg` stays out of the SDK's dependencies). */
export interface PgListenClient {
  connect(): Promise<unknown>;
  query(sql: string): Promise<unknown>;
  on(event: 'notification', listener: (message: { channel: string; payload?: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  end(): Promise<void>;
}

/** Settings for {@link pgListener}. */
export interface PgListenerOptions {
  /** First wait before reconnecting after a failure or a dropped connection (default 100 ms). */
  minBackoffMs?: number;
  /** Longest wait between reconnection attempts; the wait doubles up to it (default 10 s). */
  maxBackoffMs?: number;
}

/** Quotes a channel name as an SQL identifier. */
const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * A {@link Listener} on a dedicated PostgreSQL connection, opened with
 * `newClient` (typically `() => new pg.Client(...)`; a pool's connections are
 * not suitable, LISTEN needs one that stays open). When the connection drops
 * it reconnects with exponential backoff, and reloads after each reconnection.
 *
 * @example
 * import pg from 'pg';
 * const flags = await FlagClient.start(pool, {
 *   listen: pgListener(() => new pg.Client({ connectionString: process.env.DATABASE_URL })),
 * });
 */
export function pgListener(newClient: () => PgListenClient, opts: PgListenerOptions = {}): Listener {
  const minMs = opts.minBackoffMs ?? 100;
  const maxMs = opts.maxBackoffMs ?? 10_000;
  return {
    async listen(channel, onNotify, onError) {
      let stopped = false;
      let client: PgListenClient | undefined;
      let timer: NodeJS.Timeout | undefined;
      let backoff = minMs;
      const report = (error: unknown): void => {
        try {
          onError(error);
        } catch {
          // A throwing onError must not break the reconnection loop.
        }
      };
      const retry = (): void => {
        if (stopped || timer !== undefined) return;
        timer = setTimeout(() => {
          timer = undefined;
          void connect();
        }, backoff);
        timer.unref();
        backoff = Math.min(maxMs, backoff * 2);
      };
      const drop = (c: PgListenClient): void => {
        if (client !== c) return; // already replaced or stopped
        client = undefined;
        c.end().catch(() => {});
        retry();
      };
      const connect = async (): Promise<void> => {
        let c: PgListenClient | undefined;
        try {
          c = newClient();
          const self = c;
          client = self;
          self.on('error', (error) => {
            report(error);
            drop(self);
          });
          self.on('end', () => drop(self));
          self.on('notification', (message) => {
            if (message.channel === channel && client === self) onNotify();
          });
          await self.connect();
          await self.query(`LISTEN ${ident(channel)}`);
          if (stopped || client !== self) return;
          backoff = minMs;
          onNotify(); // catch up on changes made while not listening
        } catch (error) {
          report(error);
          if (c !== undefined) drop(c);
          else retry();
        }
      };
      await connect();
      return async () => {
        stopped = true;
        clearTimeout(timer);
        const c = client;
        client = undefined;
        await c?.end().catch(() => {});
      };
    },
  };
}
