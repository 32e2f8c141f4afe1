import type { Command } from 'commander';
import { verifyLedger } from '@switchback/engine';
import { outputOf, withLedger, type GlobalOptions } from '../cli-context.js';
import { paint } from '../output.js';

export function verifyLedgerCommand(program: Command): void {
  program
    .command('verify-ledger')
    .description('Recompute the ledger\'s hash chain: any edited, deleted or reordered event is reported. Exit 1 if the chain is broken.')
    .addHelpText('after', `
Each event stores the hash of the one before it, so changing or removing any
event breaks every hash after it; this command finds the first broken link.

Examples:
  switchback verify-ledger
  DATABASE_URL=postgres://… switchback verify-ledger --json`)
    .action(async (options: GlobalOptions, cmd: Command) => {
      const o = { ...cmd.optsWithGlobals<GlobalOptions>(), ...options };
      const out = outputOf(o);
      const r = await withLedger(o, 'verify-ledger', (db) => verifyLedger(db));
      if (o.json) out.out(JSON.stringify(r, null, 2));
      else if (r.ok) out.out(paint(out, 'green', `ledger intact: ${r.events} events, every hash matches`));
      else out.out(paint(out, 'red', `ledger broken at event ${r.broken!.seq}: ${r.broken!.reason} (${r.events} events before it are intact)`));
      process.exitCode = r.ok ? 0 : 1;
    });
}
