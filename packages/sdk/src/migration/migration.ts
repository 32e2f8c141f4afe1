import type { EvalContext } from '../flags/evaluate.js';
import type { FlagClient } from '../flags/flag-client.js';
import { deepEqual } from './deep-equal.js';
import { callHook, SideRecorder, unwrap, type MigrationHooks, type Side, type SideCounters } from './migration-hooks.js';
import type { MetricsReporter } from './metrics-reporter.js';
import type { MismatchReporter } from './mismatch-reporter.js';
import { stageFor, STAGES, type Stage } from './stage.js';

const otherSide = (side: Side): Side => (side === 'old' ? 'new' : 'old');

/** Compare every read in shadow and live stages unless told otherwise. */
export const DEFAULT_SAMPLE_EVERY = 1;

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
   * shape (sync 'app' only): new from dual-write to read-switch, old in ramp-down.
   */
  dualWriteFlag: string;
  /**
   * With sync 'app': keep writing the old shape after the new one from cut-off
   * until contract (the `ramp-down` stage), so going back to read-switch needs
   * no catch-up. The old write must then be isolated like the new one is in
   * dual-write (a savepoint of its own), because contract archives the old
   * shape while instances may still be writing it: those writes fail, are
   * recorded, and must not abort the request's transaction. Default false:
   * cut-off is `complete` and the app writes only new. With sync 'trigger'
   * cut-off is always `ramp-down` (the reverse trigger writes old).
   */
  rampDown?: boolean;
  /** In shadow and live stages, compare one read in this many (default {@link DEFAULT_SAMPLE_EVERY}). */
  sampleEvery?: number;
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
export interface ReadImpl<T> {
  old: () => Promise<T>;
  new: () => Promise<T>;
  equal?: (a: T, b: T) => boolean;
}

/** Both sides of a write. */
export interface WriteImpl {
  old: () => Promise<void>;
  new: () => Promise<void>;
}

/** What a {@link Migration} has done since it was created. */
export interface MigrationCounters {
  reads: number;
  shadowCompares: number;
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
    mismatches: 0,
    newSideErrors: 0,
    oldSideErrors: 0,
    dualWrites: 0,
    dualWriteErrors: 0,
  };
  private compareCandidates = 0;
  private readonly recorder: SideRecorder;

  constructor(private readonly opts: MigrationOptions) {
    this.recorder = new SideRecorder(opts.change, opts.hooks, opts.metrics);
  }

  /** The stage for `ctx`, from the change's applied phase and the read flag. */
  stage(ctx: EvalContext): Stage {
    const { flags, change, readFlag, sync, rampDown } = this.opts;
    return stageFor(flags.phaseOf(change), flags.isEnabled(readFlag, ctx), { rampDown: sync === 'trigger' || rampDown === true });
  }

  /**
   * Reads from the side the stage returns (see {@link STAGES}). In shadow (old
   * returned) and live (new returned), a sample of reads also runs the other
   * side, at the same time, and compares; a difference goes to the reporter.
   */
  async read<T>(ctx: EvalContext, impl: ReadImpl<T>): Promise<T> {
    this.counts.reads++;
    const stage = STAGES[this.stage(ctx)];
    const run = (side: Side) => this.recorder.run('read', side, () => (side === 'old' ? impl.old() : impl.new()));
    const primary = stage.read;
    // While a rollback copies writes back into the old shape, a comparison would only measure that lag.
    if (!stage.compare || this.opts.flags.isRollingBack(this.opts.change) || !this.sampled()) return unwrap(await run(primary));
    const [main, other] = await Promise.all([run(primary), run(otherSide(primary))]);
    if (!main.ok) throw main.error;
    if (!other.ok) {
      if (primary === 'old') this.counts.newSideErrors++;
      else this.counts.oldSideErrors++;
      return main.value;
    }
    const [oldValue, newValue] = primary === 'old' ? [main.value, other.value] : [other.value, main.value];
    this.compare(ctx, oldValue, newValue, impl.equal ?? deepEqual);
    return main.value;
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
    const run = (side: Side) => this.recorder.run('write', side, () => (side === 'old' ? impl.old() : impl.new()));
    unwrap(await run(stage.write));
    const { sync, flags, dualWriteFlag } = this.opts;
    if (!stage.dualWrite || sync !== 'app' || !flags.isEnabled(dualWriteFlag, ctx)) return;
    this.counts.dualWrites++;
    const result = await run(otherSide(stage.write));
    if (!result.ok) this.counts.dualWriteErrors++;
  }

  /** A copy of the counters. */
  counters(): MigrationCounters {
    return { ...this.counts, sides: this.recorder.snapshot() };
  }

  /** Whether this shadow or live read is one of the compared sample. */
  private sampled(): boolean {
    const every = Math.max(1, Math.floor(this.opts.sampleEvery ?? DEFAULT_SAMPLE_EVERY));
    return this.compareCandidates++ % every === 0;
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
