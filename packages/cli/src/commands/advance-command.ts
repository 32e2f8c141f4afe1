import type { Command } from 'commander';
import { advance, enforcePolicy, SwitchbackError } from '@switchback/engine';
import type { PhaseId } from '@switchback/core';
import { changeRef, phaseCheck, registerRef } from '../change-arg.js';
import { actorOf, outputOf, withLedger, type GlobalOptions } from '../cli-context.js';
import { enforcedPolicy, policyActor, type ActorOptions } from '../policy-arg.js';
import { executorRenderer, exitCodeOf, renderResult } from '../render-executor.js';

interface AdvanceOptions extends GlobalOptions, ActorOptions {
  to?: PhaseId;
  override?: string[];
}

export function advanceCommand(program: Command): void {
  program
    .command('advance')
    .argument('<change>', 'a change file (registers it on first use) or the id of a change in the ledger')
    .description('Take the next step of a change: finish a half-done phase, the next rollout step, or the next phase once its gates pass.')
    .option('--to <phase>', 'keep advancing until this phase is applied')
    .option('--override <gate=reason...>', 'pass a gate regardless, with the reason recorded in the ledger')
    .option('--role <role>', 'your role, for the policy (switchback.policy.yaml): e.g. owner or dba')
    .option('--agent', 'you are an AI agent acting alone (also SWITCHBACK_ACTOR_KIND=agent)')
    .option('--policy <file>', 'policy file to enforce (default: ./switchback.policy.yaml when present)')
    .addHelpText('after', `
Every step runs once: re-running after a crash or a kill finishes the job.
DDL waits at most execution.lockTimeout for its lock, then retries with backoff.

With a policy file, a transition it does not let you take alone, or one that
needs an approval nobody gave yet, is refused before anything runs.

Exit codes: 0 applied (or nothing left to do), 1 a gate, verification, step or
the policy stopped it (see the reason), 2 bad input or the database could not be used.

Examples:
  switchback advance changes/0001-contract-into-customer.yaml
  switchback advance 0001-contract-into-customer --to backfill
  switchback advance 0001-contract-into-customer --override read-switch-soak="incident fix, approved by ana"`)
    .action(async (change: string, options: AdvanceOptions, cmd: Command) => {
      const o = { ...cmd.optsWithGlobals<AdvanceOptions>(), ...options };
      const out = outputOf(o);
      const overrides = Object.fromEntries(
        (o.override ?? []).map((s) => {
          const i = s.indexOf('=');
          if (i <= 0 || !s.slice(i + 1).trim()) throw new SwitchbackError(`--override needs gate=reason (got "${s}"): the reason is recorded in the ledger.`);
          return [s.slice(0, i), s.slice(i + 1).trim()];
        }),
      );
      const actor = actorOf(o);
      const policy = enforcedPolicy(o);
      const ref = changeRef(change);
      const result = await withLedger(o, `advance ${change}`, async (db) => {
        const id = await registerRef(db, ref, actor, phaseCheck(o.to));
        if (policy) await enforcePolicy(db, id, policy, policyActor(o, actor), 'forward', o.to);
        return advance(db, id, { actor, holder: `switchback advance ${id} (${actor}, pid ${process.pid})`, onEvent: executorRenderer(out), overrides, ...(o.to ? { to: o.to } : {}) });
      });
      if (o.json) out.out(JSON.stringify(result, null, 2));
      renderResult(out, result);
      process.exitCode = exitCodeOf(result);
    });
}
