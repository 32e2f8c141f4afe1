import type { Command } from 'commander';
import { allStatuses, changeStatus, type ChangeStatus } from '@switchback/engine';
import { isChangeFile, readChangeFile } from '../change-arg.js';
import { outputOf, withLedger, type GlobalOptions } from '../cli-context.js';
import { paint, type Output } from '../output.js';
import { renderGate } from '../render-executor.js';

export function statusCommand(program: Command): void {
  program
    .command('status')
    .argument('[change]', 'a change id or file; all changes when omitted')
    .description('Show where changes stand: applied phases, rollout, flags, the next step and when it is due.')
    .addHelpText('after', `
Examples:
  switchback status
  switchback status 0001-contract-into-customer --json`)
    .action(async (change: string | undefined, options: GlobalOptions, cmd: Command) => {
      const o = { ...cmd.optsWithGlobals<GlobalOptions>(), ...options };
      const out = outputOf(o);
      const id = change && isChangeFile(change) ? readChangeFile(change).spec.id : change;
      const statuses = await withLedger(o, 'status', async (db) => (id ? [await changeStatus(db, id)] : allStatuses(db)));
      if (o.json) return out.out(JSON.stringify(id ? statuses[0] : statuses, null, 2));
      if (!statuses.length) return out.out('No changes in the ledger yet. Start one with: switchback advance changes/<file>.yaml');
      statuses.forEach((s, i) => {
        if (i) out.out();
        renderStatus(out, s);
      });
    });
}

function renderStatus(o: Output, s: ChangeStatus): void {
  o.out(`${paint(o, 'bold', s.id)}  ${s.title}`);
  o.out(`  ${s.intent}, sync: ${s.sync}, status: ${s.status === 'failed' ? paint(o, 'red', s.status) : s.status}${s.file ? `, file: ${s.file}` : ''}`);
  for (const p of s.phases) {
    const mark = p.state === 'applied' ? paint(o, 'green', '●') : p.state === 'active' ? paint(o, 'yellow', '◐') : paint(o, 'gray', '○');
    const extra = p.id === s.appliedPhase && s.rollout ? `  ${s.rollout.flag} at ${s.rollout.percent}% (steps ${s.rollout.steps.join(' → ')})` : '';
    o.out(`  ${mark} ${p.id.padEnd(12)} ${p.completedAt ? paint(o, 'gray', p.completedAt) : ''}${extra}`);
  }
  if (s.active) o.out(paint(o, 'yellow', `  ${s.active.phase} ${s.active.direction} is half-done since ${s.active.since}${s.active.error ? `: ${s.active.error}` : ''}; re-run the same command to finish it.`));
  if (s.next) {
    o.out(`  next: ${s.next.kind === 'rollout' ? `the next ${s.next.phase} rollout step` : s.next.phase}${s.next.dueAt ? ` (due ${s.next.dueAt})` : ''}`);
    for (const g of s.next.gates) o.out(`  ${renderGate(o, g)}`);
  } else if (!s.active) o.out(`  ${paint(o, 'green', 'complete')}`);
  if (s.flags.length) o.out(`  flags: ${s.flags.map((f) => `${f.name} ${f.enabled ? `${f.percent}%` : 'off'}${f.allowTenants.length ? ` + ${f.allowTenants.join(',')}` : ''}`).join(', ')}`);
}
