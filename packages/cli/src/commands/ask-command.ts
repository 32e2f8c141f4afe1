import type { Command } from 'commander';
import { decideTransition, transitionName, withArticle } from '@switchback/core';
import { activePhaseRun, changeStatus, evaluateGates, forwardTransitions, getChange, listApprovalRequests, openApprovalRequest, rolloutGates, SwitchbackError, type ApprovalRequest } from '@switchback/engine';
import type { Gate } from '@switchback/core';
import { isChangeFile, readChangeFile } from '../change-arg.js';
import { actorOf, outputOf, withLedger, type GlobalOptions } from '../cli-context.js';
import { paint, type Output } from '../output.js';
import { loadPolicy } from '../policy-arg.js';

interface AskOptions extends GlobalOptions {
  question?: string;
  option?: string[];
  transition?: string;
  role?: string;
  policy?: string;
  list?: boolean;
  all?: boolean;
}

export function askCommand(program: Command): void {
  program
    .command('ask')
    .argument('[change]', 'the change the question is about (id or file)')
    .description('Ask a person to decide: open an approval request with the question, the options and the evidence (the gates of the next transition).')
    .option('--question <text>', 'what to decide, in a sentence')
    .option('--option <answer...>', 'a possible answer (repeat; default: approve and reject)')
    .option('--transition <name>', 'the transition it approves, e.g. cut-off or read-switch@100% (default: the next one)')
    .option('--role <role>', 'the role that must answer (default: the one the policy names for the transition)')
    .option('--policy <file>', 'policy file (default: ./switchback.policy.yaml if present, else the default policy)')
    .option('--list', 'list requests instead (open ones; --all for every one)')
    .option('--all', 'with --list: answered requests too')
    .addHelpText('after', `
One request per change and transition is open at a time; asking again shows it.
The one who asks can never answer their own request.

Examples:
  switchback ask 0001-contract-into-customer --question "Stop writing support_contract?" --transition cut-off
  switchback ask --list
  switchback approve 3 --as ana --role owner --reason "tickets quiet for a week"`)
    .action(async (change: string | undefined, options: AskOptions, cmd: Command) => {
      const o = { ...cmd.optsWithGlobals<AskOptions>(), ...options };
      const out = outputOf(o);
      const id = change && isChangeFile(change) ? readChangeFile(change).spec.id : change;
      if (o.list) {
        const list = await withLedger(o, 'ask --list', (db) => listApprovalRequests(db, { ...(id ? { change: id } : {}), ...(o.all ? {} : { status: 'open' as const }) }));
        if (o.json) return out.out(JSON.stringify(list, null, 2));
        if (!list.length) return out.out(o.all ? 'No approval requests yet.' : 'No open approval requests.');
        for (const r of list) renderRequest(out, r);
        return;
      }
      if (!id) throw new SwitchbackError('Name the change the question is about: switchback ask CHANGE --question "…"');
      if (!o.question?.trim()) throw new SwitchbackError('Give the question: --question "Stop writing support_contract?"');
      const { policy } = loadPolicy(o.policy);
      const actor = actorOf(o);
      const { request, created } = await withLedger(o, `ask ${id}`, async (db) => {
        const row = await getChange(db, id);
        const status = await changeStatus(db, id);
        const next = row ? forwardTransitions(row, await activePhaseRun(db, id))[0] : undefined;
        const transition = o.transition ?? (next ? transitionName(next) : undefined);
        if (!transition) throw new SwitchbackError(`${id} has no next transition to ask about; name one with --transition.`);
        const policyRole = next && transitionName(next) === transition ? decideTransition(policy, { kind: 'human', name: actor }, next, new Date()) : undefined;
        const role = o.role ?? (policyRole?.allowed ? policyRole.approvals[0]?.role : undefined);
        // The evidence: what the gates of that transition say now.
        const phase = row?.plan.phases.find((p) => p.id === transition || (p.rollout && transition.startsWith(`${p.id}@`)));
        const gates: Gate[] = !phase ? [] : phase.id === transition ? phase.gates : [...rolloutGates(policy, phase), ...phase.gates];
        const results = await evaluateGates(db, gates, { change: id, transition });
        return openApprovalRequest(db, {
          change: id,
          transition,
          question: o.question!.trim(),
          options: o.option?.length ? o.option : ['approve', 'reject'],
          askedBy: actor,
          ...(role ? { requiredRole: role } : {}),
          evidence: { appliedPhase: status.appliedPhase, rollout: status.rollout, flags: status.flags, gates: results.map((g) => ({ id: g.id, verdict: g.verdict, detail: g.detail, evidence: g.evidence })) },
        });
      });
      if (o.json) return out.out(JSON.stringify({ created, request }, null, 2));
      out.out(created ? `Request #${request.id} opened.` : `Request #${request.id} for this transition is already open.`);
      renderRequest(out, request);
    });
}

export function renderRequest(o: Output, r: ApprovalRequest): void {
  const state = r.status === 'open' ? paint(o, 'yellow', 'open') : r.status === 'approved' ? paint(o, 'green', 'approved') : paint(o, 'red', 'rejected');
  o.out(`${paint(o, 'bold', `#${r.id}`)} ${r.change} ${r.transition}  ${state}${r.answeredBy ? ` by ${r.answeredBy}${r.answeredRole ? ` (${r.answeredRole})` : ''}` : ''}`);
  o.out(`  ${r.question}`);
  o.out(`  options: ${r.options.join(', ')}; asked by ${r.askedBy} at ${r.createdAt}${r.requiredRole ? `; ${withArticle(r.requiredRole)} must answer` : ''}`);
  const gates = (r.evidence.gates as { id: string; verdict: string; detail: string }[] | undefined) ?? [];
  for (const g of gates) o.out(`  ${g.verdict.padEnd(12)} ${g.id}: ${g.detail}`);
  if (r.reason) o.out(`  reason: ${r.reason}`);
  if (r.status === 'open') o.out(paint(o, 'gray', `  answer: switchback approve ${r.id} --as NAME${r.requiredRole ? ` --role ${r.requiredRole}` : ''}   (or reject)`));
}
