import type { Command } from 'commander';
import { enforcePolicy, rollback } from '@switchback/engine';
import type { PhaseId } from '@switchback/core';
import { changeRef, phaseCheck, registerRef } from '../change-arg.js';
import { actorOf, outputOf, withLedger, type GlobalOptions } from '../cli-context.js';
import { enforcedPolicy, policyActor, type ActorOptions } from '../policy-arg.js';
import { executorRenderer, exitCodeOf, renderResult } from '../render-executor.js';

type RollbackOptions = GlobalOptions & ActorOptions & { to?: PhaseId | 'start' };

export function rollbackCommand(program: Command): void {
  program
    .command('rollback')
    .argument('<change>', 'a change file or the id of a change in the ledger')
    .description('Undo applied phases, newest first, running each phase\'s backward steps and proving the state it returns to.')
    .option('--to <phase>', 'undo until this phase is the last applied one ("start" undoes everything); default: one phase')
    .option('--role <role>', 'your role, for the policy (switchback.policy.yaml)')
    .option('--agent', 'you are an AI agent acting alone (also SWITCHBACK_ACTOR_KIND=agent)')
    .option('--policy <file>', 'policy file to enforce (default: ./switchback.policy.yaml when present)')
    .addHelpText('after', `
A half-done phase is undone first. Rolling back never loses a row written in
between: each backward step copies back what the newer shape received.

Examples:
  switchback rollback 0001-contract-into-customer
  switchback rollback 0001-contract-into-customer --to backfill
  switchback rollback 0001-contract-into-customer --to start`)
    .action(async (change: string, options: RollbackOptions, cmd: Command) => {
      const o = { ...cmd.optsWithGlobals<RollbackOptions>(), ...options };
      const out = outputOf(o);
      const actor = actorOf(o);
      const policy = enforcedPolicy(o);
      const ref = changeRef(change);
      const result = await withLedger(o, `rollback ${change}`, async (db) => {
        const id = await registerRef(db, ref, actor, phaseCheck(o.to, ['start']));
        if (policy) await enforcePolicy(db, id, policy, policyActor(o, actor), 'backward', o.to);
        return rollback(db, id, { actor, holder: `switchback rollback ${id} (${actor}, pid ${process.pid})`, onEvent: executorRenderer(out), ...(o.to ? { to: o.to } : {}) });
      });
      if (o.json) out.out(JSON.stringify(result, null, 2));
      renderResult(out, result);
      process.exitCode = exitCodeOf(result);
    });
}
