import type { Command } from 'commander';
import { enforceFlagPolicy, listFlags, SwitchbackError, updateFlag, type FlagRow } from '@switchback/engine';
import { actorOf, outputOf, withLedger, type GlobalOptions } from '../cli-context.js';
import { enforcedPolicy, policyActor, type ActorOptions } from '../policy-arg.js';

interface FlagSetOptions extends GlobalOptions, ActorOptions {
  on?: boolean;
  off?: boolean;
  percent?: string;
  allowTenants?: string;
}

export function flagCommand(program: Command): void {
  const flag = program
    .command('flag')
    .description('List flags, or change one by hand (recorded in the ledger).')
    .addHelpText('after', `
Examples:
  switchback flag list
  switchback flag set ReadContractDetailsFromCustomer --allow-tenants acme`);
  flag
    .command('list')
    .description('Every flag with its state, rollout and allow-listed tenants.')
    .addHelpText('after', `
Examples:
  switchback flag list
  switchback flag list --json`)
    .action(async (options: GlobalOptions, cmd: Command) => {
      const o = { ...cmd.optsWithGlobals<GlobalOptions>(), ...options };
      const out = outputOf(o);
      const flags = await withLedger(o, 'flag list', (db) => listFlags(db));
      if (o.json) return out.out(JSON.stringify(flags.map(view), null, 2));
      if (!flags.length) return out.out('No flags yet: phases create the flags they use.');
      for (const f of flags) out.out(`${f.name.padEnd(36)} ${describe(f)}${f.change_id ? `  (change ${f.change_id})` : ''}`);
    });
  flag
    .command('set')
    .argument('<name>', 'flag name, e.g. ReadContractDetailsFromCustomer')
    .description('Turn a flag on or off, set its rollout percentage, or the tenants always served the new path.')
    .option('--on', 'enable the flag')
    .option('--off', 'disable the flag for everyone (kill switch)')
    .option('--percent <n>', 'rollout percentage, 0..100 in steps of 0.01 (sticky per key)')
    .option('--allow-tenants <list>', 'comma-separated tenants always on while the flag is enabled ("" clears)')
    .option('--role <role>', 'your role, for the policy (switchback.policy.yaml)')
    .option('--agent', 'you are an AI agent acting alone (also SWITCHBACK_ACTOR_KIND=agent)')
    .option('--policy <file>', 'policy file to enforce (default: ./switchback.policy.yaml when present)')
    .addHelpText('after', `
With a policy file, more exposure on a flag a plan rolls out (a higher
percentage, turning it on, a new allow-listed tenant) is judged like a
rollout step (who may, step size, hours, approvals) and less exposure like
a rollback; what the policy forbids is refused before anything changes.

Examples:
  switchback flag set ReadContractDetailsFromCustomer --allow-tenants acme,internal
  switchback flag set ReadContractDetailsFromCustomer --percent 0      # pull reads back at once`)
    .action(async (name: string, options: FlagSetOptions, cmd: Command) => {
      const o = { ...cmd.optsWithGlobals<FlagSetOptions>(), ...options };
      if (o.on && o.off) throw new SwitchbackError('Use --on or --off, not both.');
      const percent = o.percent === undefined ? undefined : Number(o.percent);
      if (percent !== undefined && !Number.isFinite(percent)) throw new SwitchbackError(`--percent must be a number from 0 to 100 (got "${o.percent}").`);
      if (o.on === undefined && o.off === undefined && percent === undefined && o.allowTenants === undefined) throw new SwitchbackError('Nothing to change: give --on, --off, --percent or --allow-tenants.');
      const out = outputOf(o);
      const update = {
        ...(o.on ? { enabled: true } : o.off ? { enabled: false } : {}),
        ...(percent !== undefined ? { percent } : {}),
        ...(o.allowTenants !== undefined ? { allowTenants: o.allowTenants.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
      };
      const actor = actorOf(o);
      const policy = enforcedPolicy(o);
      const f = await withLedger(o, `flag set ${name}`, async (db) => {
        if (policy) await enforceFlagPolicy(db, name, update, policy, policyActor(o, actor));
        return updateFlag(db, name, update, actor);
      });
      out.out(o.json ? JSON.stringify(view(f), null, 2) : `${f.name}: ${describe(f)}`);
    });
}

function view(f: FlagRow) {
  return { name: f.name, enabled: f.enabled, percent: f.rollout_bps / 100, allowTenants: f.allow_tenants, change: f.change_id, version: Number(f.version), updatedBy: f.updated_by };
}

function describe(f: FlagRow): string {
  return `${f.enabled ? `on at ${f.rollout_bps / 100}%` : 'off'}${f.allow_tenants.length ? `, always on for ${f.allow_tenants.join(', ')}` : ''}`;
}
