import type { Command } from 'commander';
import { formatDuration } from '@switchback/core';
import { allStatuses, changeStatus, SwitchbackError, type ChangeStatus } from '@switchback/engine';
import { isChangeFile, readChangeFile } from '../change-arg.js';
import { outputOf, withLedger, type GlobalOptions } from '../cli-context.js';
import { paint, type Output } from '../output.js';
import { loadPolicy } from '../policy-arg.js';
import { renderGate } from '../render-executor.js';

interface StatusOptions extends GlobalOptions {
  policy?: string;
  at?: string;
}

export function statusCommand(program: Command): void {
  program
    .command('status')
    .argument('[change]', 'a change id or file; all changes when omitted')
    .description('Show where changes stand: applied phases, rollout, flags, the next step, when it is due, and the questions waiting for an answer.')
    .option('--policy <file>', 'policy whose rollout soak and approvals apply (default: ./switchback.policy.yaml if present, else the default policy)')
    .option('--at <time>', 'evaluate as of this time (ISO 8601), e.g. to see what is due next month')
    .addHelpText('after', `
"next" is the transition the change waits for: "due" is when its last time
gate (a soak, the retention before contract) passes, however many weeks
ahead; "waiting on" lists what time alone does not bring (an approval,
evidence such as traffic). Open approval requests are listed with the
command that answers them.

Examples:
  switchback status
  switchback status 0001-contract-into-customer --json
  switchback status --at 2026-04-01T00:00:00Z`)
    .action(async (change: string | undefined, options: StatusOptions, cmd: Command) => {
      const o = { ...cmd.optsWithGlobals<StatusOptions>(), ...options };
      const out = outputOf(o);
      const now = o.at === undefined ? undefined : new Date(o.at);
      if (now && Number.isNaN(now.getTime())) throw new SwitchbackError(`--at must be an ISO 8601 time such as 2026-04-01T00:00:00Z (got "${o.at}").`);
      const { policy } = loadPolicy(o.policy);
      const id = change && isChangeFile(change) ? readChangeFile(change).spec.id : change;
      const so = { policy, ...(now ? { now } : {}) };
      const statuses = await withLedger(o, 'status', async (db) => (id ? [await changeStatus(db, id, so)] : allStatuses(db, so)));
      if (o.json) return out.out(JSON.stringify(id ? statuses[0] : statuses, null, 2));
      if (!statuses.length) return out.out('No changes in the ledger yet. Start one with: switchback advance changes/<file>.yaml');
      const shownAt = now ?? new Date();
      statuses.forEach((s, i) => {
        if (i) out.out();
        renderStatus(out, s, shownAt);
      });
    });
}

function renderStatus(o: Output, s: ChangeStatus, now: Date): void {
  o.out(`${paint(o, 'bold', s.id)}  ${s.title}`);
  o.out(`  ${s.intent}, sync: ${s.sync}, status: ${s.status === 'failed' ? paint(o, 'red', s.status) : s.status}${s.file ? `, file: ${s.file}` : ''}`);
  for (const p of s.phases) {
    const mark = p.state === 'applied' ? paint(o, 'green', '●') : p.state === 'active' ? paint(o, 'yellow', '◐') : paint(o, 'gray', '○');
    const extra = p.id === s.appliedPhase && s.rollout ? `  ${s.rollout.flag} at ${s.rollout.percent}% (steps ${s.rollout.steps.join(' → ')})` : '';
    o.out(`  ${mark} ${p.id.padEnd(12)} ${p.completedAt ? paint(o, 'gray', p.completedAt) : ''}${extra}`);
  }
  if (s.active) o.out(paint(o, 'yellow', `  ${s.active.phase} ${s.active.direction} is half-done since ${s.active.since}${s.active.error ? `: ${s.active.error}` : ''}; re-run the same command to finish it.`));
  if (s.next) {
    const due = s.next.dueAt ? `due ${s.next.dueAt} (${dueIn(Date.parse(s.next.dueAt) - now.getTime())})` : s.next.waitingOn.length ? 'no time gate left' : 'ready';
    o.out(`  next: ${s.next.transition}${s.next.kind === 'rollout' ? ' (rollout step)' : ''}, ${due}`);
    for (const w of s.next.waitingOn) o.out(paint(o, 'yellow', `    waiting on ${w}`));
    for (const g of s.next.gates) o.out(`  ${renderGate(o, g)}`);
  } else if (!s.active) o.out(`  ${paint(o, 'green', 'complete')}`);
  for (const r of s.openRequests) {
    o.out(paint(o, 'magenta', `  open request #${r.id} (${r.transition}): ${r.question}`));
    o.out(paint(o, 'gray', `    asked by ${r.askedBy} at ${r.createdAt}${r.requiredRole ? `; needs ${r.requiredRole}` : ''}; answer: switchback approve ${r.id} --as NAME${r.requiredRole ? ` --role ${r.requiredRole}` : ''} (or reject)`));
  }
  if (s.flags.length) o.out(`  flags: ${s.flags.map((f) => `${f.name} ${f.enabled ? `${f.percent}%` : 'off'}${f.allowTenants.length ? ` + ${f.allowTenants.join(',')}` : ''}`).join(', ')}`);
}

function dueIn(ms: number): string {
  return ms <= 0 ? 'now' : `in ${formatDuration(Math.round(ms / 60_000) * 60_000 || ms)}`;
}
