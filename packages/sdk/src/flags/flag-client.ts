import type { SqlClient } from '../sql-client.js';
import { DbSnapshotSource } from './db-snapshot-source.js';
import { evaluate, type EvalContext, type Evaluation } from './evaluate.js';
import { explainEvaluation } from './explain.js';
import { deepEqual } from '../migration/deep-equal.js';
import type { FlagHooks } from './flag-hooks.js';
import { FLAGS_CHANNEL, type Listener } from './listener.js';
import { emptySnapshot, type Snapshot, type SnapshotSource } from './snapshot.js';

/** How often the client reloads its snapshot unless told otherwise. */
export const DEFAULT_POLL_MS = 1000;

/** Settings for {@link FlagClient}. */
export interface FlagClientOptions {
  /** Reload interval in milliseconds (default {@link DEFAULT_POLL_MS}). */
  pollMs?: number;
  /**
   * Told about every failed load (the client keeps serving its last snapshot),
   * and once per flag version about rules it had to ignore ({@link InvalidFlagRulesError}).
   */
  onError?: (error: unknown) => void;
  /**
   * Reload as soon as the engine notifies a change (LISTEN/NOTIFY on
   * {@link FLAGS_CHANNEL}), e.g. {@link pgListener}; polling stays on as the
   * fallback for lost notifications.
   */
  listen?: Listener;
  /** Called on every evaluation and every load (metrics, tracing). */
  hooks?: FlagHooks;
}

/** What a {@link FlagClient.subscribe}r hears after each load. */
export interface FlagClientListener {
  /** After a successful load whose flags differ from the last snapshot's: the names added, removed or changed, sorted. */
  onChange?(flagsChanged: string[]): void;
  /** After every load: 'ok', or 'error' with why (the last snapshot is kept). */
  onRefresh?(outcome: 'ok' | 'error', error?: unknown): void;
}

/** The names of flags that differ between two snapshots, sorted. */
export function changedFlags(before: Snapshot, after: Snapshot): string[] {
  const names = new Set([...before.flags.keys(), ...after.flags.keys()]);
  return [...names].filter((name) => !deepEqual(before.flags.get(name), after.flags.get(name))).sort();
}

/**
 * Evaluates flags and reads change phases from an in-memory snapshot, so an
 * evaluation never touches the network and never throws. The snapshot is
 * reloaded in the background; a failed reload keeps the last good snapshot.
 *
 * @example
 * const flags = await FlagClient.start(pool, { onError: (e) => log.warn(e) });
 * if (flags.isEnabled('ReadContractDetailsFromCustomer', { key: customerId })) { ... }
 */
export class FlagClient {
  private current: Snapshot = emptySnapshot();
  private inFlight: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private readonly listeners = new Set<FlagClientListener>();
  private last: { outcome: 'ok' | 'error'; at: Date } | undefined;
  private everLoaded = false;

  private constructor(
    private readonly source: SnapshotSource,
    private readonly onError: (error: unknown) => void,
    private readonly hooks: FlagHooks = {},
  ) {}

  /**
   * Loads a first snapshot from the `switchback` tables and starts polling
   * (and listening, with `listen`, after its first connection attempt).
   * Resolves even if that load fails (the app should boot with the database
   * down); until a load succeeds every flag is off.
   */
  static start(db: SqlClient, opts: FlagClientOptions = {}): Promise<FlagClient> {
    const report = (e: unknown): void => {
      try {
        opts.onError?.(e);
      } catch {
        // reporting is best effort
      }
    };
    return FlagClient.fromSource(new DbSnapshotSource(db, report), opts);
  }

  /** Like {@link FlagClient.start}, reading snapshots from any {@link SnapshotSource}. */
  static async fromSource(source: SnapshotSource, opts: FlagClientOptions = {}): Promise<FlagClient> {
    const client = new FlagClient(source, opts.onError ?? (() => {}), opts.hooks);
    await client.refresh();
    client.timer = setInterval(() => void client.refresh(), opts.pollMs ?? DEFAULT_POLL_MS);
    client.timer.unref();
    if (opts.listen !== undefined) {
      client.unlisten = await opts.listen.listen(FLAGS_CHANNEL, () => void client.refresh(), (e) => client.report(e));
    }
    return client;
  }

  /** The snapshot evaluations currently read from (see `loadedAt` for its age). */
  get snapshot(): Snapshot {
    return this.current;
  }

  /** Whether a load has ever succeeded (until then every flag is unknown). */
  get loaded(): boolean {
    return this.everLoaded;
  }

  /** The outcome and time of the last load; a failed one means the snapshot may be stale. */
  get lastRefresh(): { outcome: 'ok' | 'error'; at: Date } | undefined {
    return this.last;
  }

  /**
   * Calls `listener` after every load from now on (a throwing listener is
   * ignored); returns a function that unsubscribes.
   *
   * @example
   * const unsubscribe = flags.subscribe({ onChange: (names) => log.info(`flags changed: ${names.join(', ')}`) });
   */
  subscribe(listener: FlagClientListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * The value of `flag` for `ctx`; `fallback` (default false) when the flag is
   * unknown, e.g. before the first successful load.
   */
  isEnabled(flag: string, ctx: EvalContext, fallback = false): boolean {
    const result = this.evaluate(flag, ctx);
    return result.reason === 'unknown-flag' ? fallback : result.value;
  }

  /** The value of `flag` for `ctx` with its reason and bucket. */
  evaluate(flag: string, ctx: EvalContext): Evaluation {
    const result = evaluate(this.current.flags.get(flag), ctx);
    if (this.hooks.onEvaluation !== undefined) this.safely(() => this.hooks.onEvaluation?.({ flag, ...result }));
    return result;
  }

  /**
   * The variant of a multi-variant `flag` for `ctx`: a rule's variant, or one
   * picked by the key's bucket over the weights while the flag is on; the
   * default variant while it is off. `fallback` when none applies (unknown flag).
   */
  variant(flag: string, ctx: EvalContext, fallback?: string): string | undefined {
    return this.evaluate(flag, ctx).variant ?? fallback;
  }

  /** A sentence saying why `flag` has its value for `ctx`, for logs and support. */
  explain(flag: string, ctx: EvalContext): string {
    const def = this.current.flags.get(flag);
    return explainEvaluation(flag, ctx, def, evaluate(def, ctx));
  }

  /** The last phase of `changeId` whose forward steps completed; null if none or unknown. */
  phaseOf(changeId: string): string | null {
    return this.current.phases.get(changeId) ?? null;
  }

  /** Whether the change is being rolled back (its old shape still catching up). */
  isRollingBack(changeId: string): boolean {
    return this.current.rollingBack?.has(changeId) ?? false;
  }

  /**
   * Reloads the snapshot now. Never rejects: a failure goes to `onError`. A
   * call made while a load is running waits for one more load after it, so
   * the result is at least as fresh as the call.
   */
  refresh(): Promise<void> {
    if (this.inFlight === undefined) {
      this.inFlight = this.loadOnce().finally(() => {
        this.inFlight = undefined;
      });
      return this.inFlight;
    }
    this.queued ??= this.inFlight.then(() => {
      this.queued = undefined;
      return this.refresh();
    });
    return this.queued;
  }

  /** Stops polling and listening, and waits for a running load. The last snapshot stays readable. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    const unlisten = this.unlisten;
    this.unlisten = undefined;
    await unlisten?.().catch((e: unknown) => this.report(e));
    await this.queued;
    await this.inFlight;
  }

  private async loadOnce(): Promise<void> {
    let next: Snapshot;
    try {
      next = await this.source.load();
    } catch (error) {
      this.last = { outcome: 'error', at: new Date() };
      this.safely(() => this.hooks.onRefresh?.('error'));
      for (const l of this.listeners) this.safely(() => l.onRefresh?.('error', error));
      this.report(error);
      return;
    }
    const before = this.current;
    this.current = next;
    this.everLoaded = true;
    this.last = { outcome: 'ok', at: new Date() };
    this.safely(() => this.hooks.onRefresh?.('ok'));
    if (this.listeners.size === 0) return;
    const flagsChanged = changedFlags(before, next);
    for (const l of this.listeners) {
      this.safely(() => l.onRefresh?.('ok'));
      if (flagsChanged.length > 0) this.safely(() => l.onChange?.(flagsChanged));
    }
  }

  private safely(run: () => void): void {
    try {
      run();
    } catch {
      // A throwing hook must not fail an evaluation or a load.
    }
  }

  private report(error: unknown): void {
    try {
      this.onError(error);
    } catch {
      // A throwing onError must not become an unhandled rejection in the poll loop.
    }
  }
}
