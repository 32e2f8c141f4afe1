import type { EvalContext } from '../flags/evaluate.js';
import type { FlagClient } from '../flags/flag-client.js';
import { deepEqual } from './deep-equal.js';
import { callHook, SideRecorder, type MigrationHooks, type Settled, type Side, type SideCounters, type Sides } from './migration-hooks.js';
import type { MetricsReporter } from './metrics-reporter.js';
import type { MismatchReporter } from './mismatch-reporter.js';
import { stageFor, STAGES, type Stage } from './stage.js';

const otherSide = (side: Side): Side => (side === 'old' ? 'new' : 'old');

/** Compare every read in shadow and live stages unless told otherwise. */
export const DEFAULT_SAMPLE_EVERY = 1;

/**
 * At most this many comparisons run at once unless told otherwise: each holds
 * a connection for the other side's read, so it stays below a pool's usual
 * size (10 for `pg.Pool`) and comparisons cannot take every connection.
 */
export const DEFAULT_MAX_COMPARES_IN_FLIGHT = 4;

/** Settings for {@link Migration}. */
export interface MigrationOptions {
  flags: FlagClient;
  /** The change id, as in `switchback.changes.id`. */
  change: string;
  /** 'trigger': the database copies writes to the new shape; 'app': {@link Migration.write} does. */
  sync: 'trigger' | 'app';
  /** Decides, per context, whether reads come from the new shape during read-switch. */
  readFlag: string;
  /**
   * Decides, per context, whether writes also go to the non-authoritative
   * shape (sync 'app' only): new from dual-write to read-switch, old in
   * ramp-down (cut-off), until contract turns it off. In ramp-down the old
   * write may race contract's archive step: isolate it in a savepoint of its
   * own, as the new one is in dual-write, so its failure (recorded, never
   * thrown) does not abort the request's transaction.
   */
  dualWriteFlag: string;
  /** In shadow and live stages, compare one read in this many (default {@link DEFAULT_SAMPLE_EVERY}). */
  sampleEvery?: number;
  /**
   * At most this many comparisons at once (default
   * {@link DEFAULT_MAX_COMPARES_IN_FLIGHT}); a sampled read beyond that reads
   * only the returned side and is counted in `comparesSkipped`.
   */
  maxComparesInFlight?: number;
  reporter?: MismatchReporter;
  /**
   * Gets every side call and comparison, e.g. a `DbMetricsReporter`, whose
   * rows the watcher's error-rate, latency, traffic and mismatch-rate gates read.
   */
  metrics?: MetricsReporter;
  appVersion?: string;
  /** Called on every side call (with its latency and outcome) and every comparison. */
  hooks?: MigrationHooks;
}

/** Both sides of a read. `equal` defaults to {@link deepEqual}. */
export interface ReadImpl<T> extends Sides<T> {
  equal?: (a: T, b: T) => boolean;
  /**
   * Whether a compared read returns only once the other side has been read
   * and compared. Needed when both sides run on one connection or transaction
   * that the caller goes on using (e.g. to read both from one snapshot):
   * otherwise the other side's query could run after the caller has moved on,
   * committed or released it. Default false: the returned side's value comes
   * back as soon as it is ready, and the other side and the comparison finish
   * off the request's path (see {@link Migration.settled}).
   */
  awaitCompare?: boolean;
}

/** Both sides of a write. */
export type WriteImpl = Sides<void>;

/** What a {@link Migration} has done since it was created. */
export interface MigrationCounters {
  reads: number;
  shadowCompares: number;
  /** Sampled reads not compared because `maxComparesInFlight` comparisons were already running. */
  comparesSkipped: number;
  mismatches: number;
  /** Failures of the new side of a compared read while old was returned (shadow). */
  newSideErrors: number;
  /** Failures of the old side of a compared read while new was returned (live). */
  oldSideErrors: number;
  /** Writes of the non-authoritative side (new until cut-off, old in ramp-down). */
  dualWrites: number;
  /** Failures of those writes (recorded, never thrown). */
  dualWriteErrors: number;
  /** Per side, every read and write call: how many, how many failed, and their latency. */
  sides: Record<Side, SideCounters>;
}

/**
 * Routes an application's reads and writes for one change between the old and
 * the new shape, following the change's applied phase and its flags. The side
 * that is returned (or written first) is authoritative: its failure is thrown.
 * The other side's failure is counted, never thrown.
 *
 * @example
 * const contracts = new Migration({ flags, change: 'move-contract-details', sync: 'app',
 *   readFlag: 'ReadContractDetailsFromCustomer', dualWriteFlag: 'DualWriteContractDetails' });
 * const tier = await contracts.read({ key: customerId }, { old: () => tierFromContract(id), new: () => tierFromCustomer(id) });
 */
export class Migration {
  private readonly counts: Omit<MigrationCounters, 'sides'> = {
    reads: 0,
    shadowCompares: 0,
    comparesSkipped: 0,
    mismatches: 0,
    newSideErrors: 0,
    oldSideErrors: 0,
    dualWrites: 0,
    dualWriteErrors: 0,
  };
  private compareCandidates = 0;
  private readonly recorder: SideRecorder;
  private readonly sampleEvery: number;
  private readonly maxComparesInFlight: number;
  /** The comparisons running, each settling (never rejecting) once compared. */
  private readonly comparing = new Set<Promise<void>>();

  constructor(private readonly opts: MigrationOptions) {
    this.recorder = new SideRecorder(opts.change, opts.hooks, opts.metrics);
    this.sampleEvery = Math.max(1, Math.floor(opts.sampleEvery ?? DEFAULT_SAMPLE_EVERY));
    this.maxComparesInFlight = Math.max(1, Math.floor(opts.maxComparesInFlight ?? DEFAULT_MAX_COMPARES_IN_FLIGHT));
  }

  /** The stage for `ctx`, from the change's applied phase and the read flag. */
  stage(ctx: EvalContext): Stage {
    const { flags, change, readFlag } = this.opts;
    return stageFor(flags.phaseOf(change), flags.isEnabled(readFlag, ctx));
  }

  /**
   * Reads from the side the stage returns (see {@link STAGES}) and returns
   * its value as soon as it has it. In shadow (old returned) and live (new
   * returned), a sample of reads also runs the other side, at the same time,
   * and compares once both are in; a difference goes to the reporter. That
   * comparison runs off the request's path unless `awaitCompare` is set, at
   * most `maxComparesInFlight` at once.
   */
  read<T>(ctx: EvalContext, impl: ReadImpl<T>): Promise<T> {
    try {
      this.counts.reads++;
      const stage = STAGES[this.stage(ctx)];
      // While a rollback copies writes back into the old shape, a comparison would only measure that lag.
      if (!stage.compare || this.opts.flags.isRollingBack(this.opts.change) || !this.sampled()) return this.recorder.call('read', stage.read, impl);
      if (this.comparing.size >= this.maxComparesInFlight) {
        this.counts.comparesSkipped++;
        return this.recorder.call('read', stage.read, impl);
      }
      return this.readCompared(ctx, impl, stage.read);
    } catch (error) {
      // A flag client or a context that throws fails this read like a failing side would, never synchronously.
      return Promise.reject(error);
    }
  }

  /**
   * Writes to the authoritative side for `ctx` (old until cut-off, then new)
   * and throws if that fails. Then, in the stages that dual-write with sync
   * 'app', writes the other side where the dual-write flag is on for `ctx`;
   * its failure is counted and reported to the hooks, never thrown. With sync
   * 'trigger' the database copies the write.
   */
  async write(ctx: EvalContext, impl: WriteImpl): Promise<void> {
    const stage = STAGES[this.stage(ctx)];
    await this.recorder.call('write', stage.write, impl);
    const { sync, flags, dualWriteFlag } = this.opts;
    if (!stage.dualWrite || sync !== 'app' || !flags.isEnabled(dualWriteFlag, ctx)) return;
    this.counts.dualWrites++;
    const result = await this.recorder.run('write', otherSide(stage.write), impl);
    if (!result.ok) this.counts.dualWriteErrors++;
  }

  /** A copy of the counters. */
  counters(): MigrationCounters {
    return { ...this.counts, sides: this.recorder.snapshot() };
  }

  /**
   * Settles once the comparisons running now have finished (their counters,
   * hooks and reports done): before flushing metrics or shutting down. Never rejects.
   */
  async settled(): Promise<void> {
    await Promise.all(this.comparing);
  }

  /** Whether this shadow or live read is one of the compared sample. */
  private sampled(): boolean {
    return this.compareCandidates++ % this.sampleEvery === 0;
  }

  /** Starts both sides; the returned side's value comes back before the comparison unless `awaitCompare`. */
  private readCompared<T>(ctx: EvalContext, impl: ReadImpl<T>, primary: Side): Promise<T> {
    const main = this.recorder.run('read', primary, impl);
    const other = this.recorder.run('read', otherSide(primary), impl);
    const compared = this.compareWhenSettled(ctx, impl, primary, main, other);
    this.comparing.add(compared);
    void compared.then(() => this.comparing.delete(compared));
    return (impl.awaitCompare === true ? compared.then(() => main) : main).then(valueOf);
  }

  /** Once both sides are in: counts the other side's failure, or compares. The returned side's failure is the caller's. */
  private async compareWhenSettled<T>(ctx: EvalContext, impl: ReadImpl<T>, primary: Side, main: Promise<Settled<T>>, other: Promise<Settled<T>>): Promise<void> {
    const [m, o] = await Promise.all([main, other]);
    if (!m.ok) return;
    if (!o.ok) {
      if (primary === 'old') this.counts.newSideErrors++;
      else this.counts.oldSideErrors++;
      return;
    }
    if (primary === 'old') this.compare(ctx, m.value, o.value, impl.equal ?? deepEqual);
    else this.compare(ctx, o.value, m.value, impl.equal ?? deepEqual);
  }

  private compare<T>(ctx: EvalContext, oldValue: T, newValue: T, equal: (a: T, b: T) => boolean): void {
    this.counts.shadowCompares++;
    let same: boolean;
    try {
      same = equal(oldValue, newValue);
    } catch {
      same = false; // a comparator that cannot decide is treated as a mismatch, not a failed read
    }
    const { readFlag, change, appVersion, reporter, hooks, metrics } = this.opts;
    callHook(hooks?.onCompare?.bind(hooks), { change, flag: readFlag, equal: same });
    if (metrics !== undefined) {
      try {
        metrics.recordCompare(readFlag, change, same);
      } catch {
        // Metrics are best effort; the read has already succeeded.
      }
    }
    if (same) return;
    this.counts.mismatches++;
    try {
      reporter?.report({
        flag: readFlag,
        changeId: change,
        key: ctx.key,
        tenant: ctx.tenant,
        oldValue,
        newValue,
        appVersion,
        at: new Date(),
      });
    } catch {
      // Reporting is best effort; the read has already succeeded.
    }
  }
}

/** The value of a settled side call, or its error thrown. */
function valueOf<T>(result: Settled<T>): T {
  if (!result.ok) throw result.error;
  return result.value;
}
