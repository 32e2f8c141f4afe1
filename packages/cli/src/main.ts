import { Command, CommanderError } from 'commander';
import { ChangeFileError, formatChangeFileProblem } from '@switchback/core';
import { isSwitchbackError } from '@switchback/engine';
import { advanceCommand } from './commands/advance-command.js';
import { checkCommand } from './commands/check-command.js';
import { demoCommand } from './commands/demo-command.js';
import { flagCommand } from './commands/flag-command.js';
import { planCommand } from './commands/plan-command.js';
import { rehearseCommand } from './commands/rehearse-command.js';
import { rollbackCommand } from './commands/rollback-command.js';
import { statusCommand } from './commands/status-command.js';
import { verifyLedgerCommand } from './commands/verify-ledger-command.js';

export const VERSION = '0.1.0';

export function buildProgram(): Command {
  const program = new Command('switchback')
    .version(VERSION)
    .description('Move a live PostgreSQL schema from the old shape to the new one in phases that are each deployable, observable and reversible.')
    .option('--database-url <url>', 'PostgreSQL server to work on (default: $DATABASE_URL; without it, embedded PGlite in .switchback/)')
    .option('--data-dir <dir>', 'embedded database directory when no server is given (default: .switchback/pgdata)')
    .option('--actor <name>', 'who acts, as recorded in the ledger (default: $SWITCHBACK_ACTOR or user@host)')
    .option('--json', 'machine-readable output on stdout')
    .option('--no-color', 'no colour (also: NO_COLOR=1)')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', `
Quick start:
  switchback demo                                  the seed scenario end to end, on PGlite
  switchback check migrations/                     what a migration breaks, before it merges
  switchback plan changes/0001-x.yaml              the phased plan for a change
  switchback advance changes/0001-x.yaml           take the next step
  switchback status                                where every change stands
  switchback rollback 0001-x --to backfill         go back, losing nothing`);
  program.exitOverride();
  for (const add of [checkCommand, planCommand, advanceCommand, rollbackCommand, statusCommand, flagCommand, verifyLedgerCommand, demoCommand, rehearseCommand]) add(program);
  return program;
}

/** Run the CLI; returns the exit code. Only here do errors become text and exit codes. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof ChangeFileError) {
      for (const p of e.problems) process.stderr.write(`${formatChangeFileProblem(p)}\n`);
      return 2;
    }
    if (isSwitchbackError(e)) {
      process.stderr.write(`switchback: ${e.message}\n`);
      return e.exitCode;
    }
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`switchback: unexpected error: ${message}\n`);
    if (process.env.SWITCHBACK_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    else process.stderr.write('Run with SWITCHBACK_DEBUG=1 for details, and please report it.\n');
    return 70;
  }
}
