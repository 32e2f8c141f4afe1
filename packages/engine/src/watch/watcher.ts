import type { Policy } from '@switchback/core';
import type { Db } from '../db/db.js';
import { errorCode } from '../db/db.js';
import { appendEvent, listChanges, type NewEvent } from '../ledger/ledger-store.js';
import { systemClock, type Clock } from './clock.js';
import { currentLeader, stepDown, stillLeading, tryLead } from './leader-lock.js';
import type { Notice, Notifier } from './notifier.js';
import { watchChange, type WatchDecision } from './watch-change.js';

export const DEFAULT_WATCH_INTERVAL_MS = 10_000;
/** How often a follower tries to take over: a dead leader is replaced within this. */
export const DEFAULT_FOLLOWER_POLL_MS = 1_000;
/** An unchanged decision is recorded again after this long, so the ledger shows the watcher kept looking. */
export const DEFAULT_REPEAT_MS = 3_600_000;

export interface WatcherOptions {
  policy: Policy;
  /** Ledger actor and policy name of this watcher. */
  actor: string;
  /** Describes this process to other sessions (pg_stat_activity, busy errors). */
  holder: string;
  clock?: Clock;
  intervalMs?: number;
  followerPollMs?: number;
  repeatMs?: number;
  /** One interval (if this process leads), then return. */
  once?: boolean;
  signal?: AbortSignal;
  prometheusUrl?: string;
  notifier?: Notifier;
  log?: (line: string) => void;
  /** Every decision of every interval, recorded or not (the CLI's --json stream). */
  onDecision?: (d: WatchDecision) => void;
  /** After each interval this process led (tests). */
  onTick?: (decisions: WatchDecision[]) => void | Promise<void>;
  propagationMs?: number;
}

export interface WatchReport {
  /** Intervals this process evaluated as leader. */
  ticks: number;
  led: boolean;
  /** Who led instead, when this process never did (`--once` on a follower). */
  leader: string | null;
  /** The decisions of the last interval. */
  decisions: WatchDecision[];
}

const OUTCOME: Record<WatchDecision['action'], NewEvent['outcome']> = {
  advanced: 'succeeded',
  'rolled-back': 'succeeded',
  paused: 'inconclusive',
  waiting: 'info',
  asked: 'info',
  refused: 'info',
  held: 'info',
  failed: 'failed',
};
const ALWAYS_RECORDED = new Set<WatchDecision['action']>(['advanced', 'rolled-back', 'failed']);
const LEVEL: Partial<Record<WatchDecision['action'], Notice['level']>> = { advanced: 'info', 'rolled-back': 'alert', failed: 'alert', asked: 'warning', paused: 'warning', refused: 'info' };

/**
 * Run the watcher: elect one leader among the replicas (a session advisory
 * lock), and let the leader evaluate every change each interval. A follower
 * retries every `followerPollMs` and takes over when the leader's connection
 * goes away. Returns when `signal` aborts, or after one interval with `once`.
 */
export async function runWatcher(db: Db, o: WatcherOptions): Promise<WatchReport> {
  const clock = o.clock ?? systemClock;
  const log = o.log ?? (() => {});
  const memory = new Map<string, { signature: string; at: number }>();
  const report: WatchReport = { ticks: 0, led: false, leader: null, decisions: [] };
  while (!o.signal?.aborted) {
    try {
      const finished = await db.session(async (session) => {
        if (session.kind === 'postgres') {
          await session.query('SELECT set_config($1, $2, false)', ['application_name', o.holder.slice(0, 63)]);
          // Notice a dead client at once even while waiting on a lock (PostgreSQL 14+).
          await session.query(`SELECT set_config('client_connection_check_interval', '250', false)`).catch(() => {});
        }
        let leading = false;
        try {
          while (!o.signal?.aborted) {
            if (!leading) {
              leading = await tryLead(session);
              if (leading) {
                report.led = true;
                memory.clear();
                // Recorded before it is said, so whoever reads the log finds the event in the ledger.
                await record(db, { change: null, actor: o.actor, action: 'watch.leader', outcome: 'info', evidence: { holder: o.holder } }, clock.now());
                log(`leading the watch as ${o.holder}`);
                await o.notifier?.notify({ level: 'info', title: `${o.holder} leads the watch`, lines: [] });
              } else if (o.once) {
                report.leader = await currentLeader(db);
                log(`another watcher leads${report.leader ? `: ${report.leader}` : ''}; nothing to do`);
                return true;
              }
            } else if (!(await stillLeading(session))) {
              leading = false;
              log('leadership lost; trying to take it back');
              continue;
            }
            if (leading) {
              report.decisions = await watchTick(db, o, memory, clock.now());
              report.ticks++;
              await o.onTick?.(report.decisions);
            }
            if (o.once) return true;
            await clock.sleep(leading ? (o.intervalMs ?? DEFAULT_WATCH_INTERVAL_MS) : (o.followerPollMs ?? DEFAULT_FOLLOWER_POLL_MS), o.signal);
          }
          return true;
        } finally {
          if (leading) await stepDown(session);
        }
      });
      if (finished) break;
    } catch (e) {
      if (o.once || !isConnectionError(e)) throw e;
      log(`lost the database connection (${e instanceof Error ? e.message : String(e)}); reconnecting`);
      await clock.sleep(o.followerPollMs ?? DEFAULT_FOLLOWER_POLL_MS, o.signal);
    }
  }
  return report;
}

/** One interval: a decision for every change, recorded when it changed, notified when it matters. */
export async function watchTick(db: Db, o: WatcherOptions, memory: Map<string, { signature: string; at: number }>, now: Date): Promise<WatchDecision[]> {
  const decisions: WatchDecision[] = [];
  const ctx = { policy: o.policy, actor: o.actor, holder: o.holder, now, ...(o.prometheusUrl ? { prometheusUrl: o.prometheusUrl } : {}), ...(o.propagationMs !== undefined ? { propagationMs: o.propagationMs } : {}) };
  for (const change of await listChanges(db)) {
    let d: WatchDecision | undefined;
    try {
      d = await watchChange(db, change, ctx);
    } catch (e) {
      // A broken gate query fails this change's interval, not the watcher.
      if (isConnectionError(e) || errorCode(e) === undefined) throw e;
      d = { change: change.id, action: 'failed', transition: null, reason: `evaluating ${change.id} failed: ${e instanceof Error ? e.message : String(e)}`, gates: [] };
    }
    if (!d) continue;
    decisions.push(d);
    o.onDecision?.(d);
    const signature = `${d.action}|${d.transition}|${d.gates.map((g) => `${g.id}:${g.verdict}`).join(',')}|${d.action === 'refused' || d.action === 'held' ? d.reason : ''}`;
    const last = memory.get(change.id);
    if (!ALWAYS_RECORDED.has(d.action) && last?.signature === signature && now.getTime() - last.at < (o.repeatMs ?? DEFAULT_REPEAT_MS)) continue;
    memory.set(change.id, { signature, at: now.getTime() });
    await record(db, { change: d.change, actor: o.actor, action: `watch.${d.action}`, outcome: OUTCOME[d.action], evidence: { transition: d.transition, reason: d.reason, ...(d.request ? { request: d.request } : {}), gates: d.gates.map((g) => ({ id: g.id, kind: g.kind, verdict: g.verdict, detail: g.detail, evidence: g.evidence })) } }, now);
    o.log?.(`${d.change}: ${d.action}${d.transition ? ` ${d.transition}` : ''} — ${d.reason}`);
    const level = LEVEL[d.action];
    if (level) await o.notifier?.notify({ level, change: d.change, title: `${d.action}${d.transition ? ` ${d.transition}` : ''}`, lines: [d.reason] });
  }
  return decisions;
}

function record(db: Db, e: NewEvent, now: Date): Promise<unknown> {
  return db.transaction((tx) => appendEvent(tx, e, now));
}

/** Connection-level failures (class 08, admin shutdown, a reset socket): reconnect rather than give up. */
function isConnectionError(e: unknown): boolean {
  const code = errorCode(e);
  if (code === undefined) return e instanceof Error && /Connection terminated|ECONNRESET|ECONNREFUSED|EPIPE|Client has encountered a connection error/i.test(e.message);
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === 'ECONNRESET' || code === 'ECONNREFUSED' || code === 'EPIPE';
}
