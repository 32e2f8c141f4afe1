import os from 'node:os';
import type { Command } from 'commander';
import { parseDuration } from '@switchback/core';
import { allNotifiers, DEFAULT_WATCH_INTERVAL_MS, runWatcher, SwitchbackError, webhookLabel, webhookNotifier, type Notifier, type WatchDecision } from '@switchback/engine';
import { actorOf, outputOf, withLedger, type GlobalOptions } from '../cli-context.js';
import { paint, type Output } from '../output.js';
import { loadPolicy } from '../policy-arg.js';

interface WatchOptions extends GlobalOptions {
  interval: string;
  once?: boolean;
  policy?: string;
  webhookUrl?: string;
  prometheusUrl?: string;
}

const STYLE = { advanced: 'green', 'rolled-back': 'red', failed: 'red', paused: 'yellow', asked: 'magenta', waiting: 'gray', refused: 'gray', held: 'yellow' } as const;

export function watchCommand(program: Command): void {
  program
    .command('watch')
    .description('Watch every active change: evaluate its gates each interval, take rollout steps the policy allows, pause on missing evidence, roll back when a rule trips.')
    .option('--interval <duration>', 'time between evaluations, e.g. 10s or 1m', '10s')
    .option('--once', 'evaluate once and exit (if this process leads)')
    .option('--policy <file>', 'policy file (default: ./switchback.policy.yaml if present, else the default policy)')
    .option('--webhook-url <url>', 'post notices to this Slack-compatible webhook (default: $SWITCHBACK_WEBHOOK_URL)')
    .option('--prometheus-url <url>', 'Prometheus server for gates that read metrics from it (default: $SWITCHBACK_PROMETHEUS_URL)')
    .addHelpText('after', `
Run several replicas: one leads (a PostgreSQL advisory lock), the others wait
and take over within a second of the leader's death. Every decision is a
ledger event with its reason and numbers (switchback status shows the latest).

What the watcher does each interval, per change:
  rolled-back  a rollback rule tripped (mismatch or error rate, severe complaints):
               the rollout flag goes to 0% at once, then the phase is undone
  advanced     every gate passed and the policy lets the watcher take the step alone
  paused       a gate is inconclusive (too little traffic, no data): no verdict
  asked        the policy wants a named human: an approval request is opened
  waiting      a gate failed (soak not over, mismatches above the limit)
  refused      the policy does not let the watcher take this transition

Notices go to the log and, with --webhook-url, to the webhook: an answer
of 5xx or 429, a network error or a 5s timeout is retried twice with
backoff; the log names the webhook by host only (its path is a secret).

Exit codes (--once): 0 evaluated, 1 an action failed, 2 bad input or no database.

Examples:
  switchback watch
  switchback watch --interval 30s --webhook-url https://hooks.slack.com/services/…
  switchback watch --once --json`)
    .action(async (options: WatchOptions, cmd: Command) => {
      const o = { ...cmd.optsWithGlobals<WatchOptions>(), ...options };
      const out = outputOf(o);
      const intervalMs = parseDuration(o.interval);
      if (intervalMs === undefined || intervalMs < 100) throw new SwitchbackError(`--interval must be a duration of at least 100ms, e.g. 10s or 1m (got "${o.interval}").`);
      const { policy, source } = loadPolicy(o.policy);
      const webhook = o.webhookUrl ?? process.env.SWITCHBACK_WEBHOOK_URL;
      const prometheusUrl = o.prometheusUrl ?? process.env.SWITCHBACK_PROMETHEUS_URL;
      if (webhook && !/^https?:\/\//.test(webhook)) throw new SwitchbackError('--webhook-url must be an http(s) URL.');
      const log = (line: string) => out.err(`${new Date().toISOString()} ${line}`);
      // Decisions are logged as they are recorded; the webhook gets the ones people act on.
      const notifiers: Notifier[] = webhook ? [webhookNotifier(webhook, log)] : [];
      const actor = actorOf(o);
      const holder = `switchback watch (${actor}, pid ${process.pid} on ${os.hostname()})`.slice(0, 63);
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      log(`watching with ${source}, every ${o.interval}${webhook ? `, notifying the ${webhookLabel(webhook)}` : ''}`);
      try {
        const report = await withLedger(o, 'watch', (db) =>
          runWatcher(db, {
            policy,
            actor,
            holder,
            intervalMs: intervalMs ?? DEFAULT_WATCH_INTERVAL_MS,
            signal: stop.signal,
            notifier: allNotifiers(notifiers),
            log,
            ...(o.once ? { once: true } : {}),
            ...(prometheusUrl ? { prometheusUrl } : {}),
            onDecision: (d) => (o.json ? out.out(JSON.stringify(d)) : o.once ? renderDecision(out, d) : undefined),
          }),
        );
        if (o.once && !report.led) log(`not the leader${report.leader ? ` (${report.leader} leads)` : ''}: nothing evaluated`);
        if (report.decisions.some((d) => d.action === 'failed')) process.exitCode = 1;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}

function renderDecision(o: Output, d: WatchDecision): void {
  o.out(`${paint(o, 'bold', d.change)}  ${paint(o, STYLE[d.action], d.action)}${d.transition ? ` ${d.transition}` : ''}`);
  o.out(`  ${d.reason}`);
}
