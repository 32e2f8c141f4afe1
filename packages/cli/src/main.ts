import { Command, CommanderError } from 'commander';
import { isSwitchbackError } from '@switchback/engine/errors';

export const VERSION = '0.1.0';

type Register = (program: Command) => void;

/**
 * Every command, in --help order, by name. Loaded on demand: a command's
 * module pulls in what it runs on (the engine, pg, PGlite), which costs
 * hundreds of milliseconds that `switchback check` does not need.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  check: async () => (await import('./commands/check-command.js')).checkCommand,
  plan: async () => (await import('./commands/plan-command.js')).planCommand,
  rehearse: async () => (await import('./commands/rehearse-command.js')).rehearseCommand,
  advance: async () => (await import('./commands/advance-command.js')).advanceCommand,
  rollback: async () => (await import('./commands/rollback-command.js')).rollbackCommand,
  status: async () => (await import('./commands/status-command.js')).statusCommand,
  flag: async () => (await import('./commands/flag-command.js')).flagCommand,
  'verify-ledger': async () => (await import('./commands/verify-ledger-command.js')).verifyLedgerCommand,
  demo: async () => (await import('./commands/demo-command.js')).demoCommand,
  watch: async () => (await import('./commands/watch-command.js')).watchCommand,
  ask: async () => (await import('./commands/ask-command.js')).askCommand,
  approve: async () => (await import('./commands/approve-command.js')).approveCommand,
  reject: async () => (await import('./commands/approve-command.js')).approveCommand,
  feedback: async () => (await import('./commands/feedback-command.js')).feedbackCommand,
  due: async () => (await import('./commands/due-command.js')).dueCommand,
  dashboards: async () => (await import('./commands/dashboards-command.js')).dashboardsCommand,
};

/** Global options that take a value (so the word after them is not the command). */
const VALUE_OPTIONS = new Set(['--database-url', '--data-dir', '--actor']);

/** The command an argv names, if it is one of ours; undefined for --help, --version or a typo (all commands then load). */
export function commandOf(argv: string[]): string | undefined {
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (VALUE_OPTIONS.has(arg)) i++;
    else if (!arg.startsWith('-')) return arg === 'help' || !(arg in COMMANDS) ? undefined : arg;
  }
  return undefined;
}

/** The program with every command (for --help), or only the one `only` names. */
export async function buildProgram(only?: string): Promise<Command> {
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
  const names = only && only in COMMANDS ? [only] : Object.keys(COMMANDS);
  const registers = await Promise.all(names.map((name) => COMMANDS[name]!()));
  // One module may register several commands (approve and reject): register each once.
  for (const add of new Set(registers)) add(program);
  return program;
}

/** Run the CLI; returns the exit code. Only here do errors become text and exit codes. */
export async function main(argv: string[]): Promise<number> {
  try {
    const program = await buildProgram(commandOf(argv));
    await program.parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof Error && e.name === 'ChangeFileError') {
      // Only commands that read change files throw it, so core is loaded by then.
      const { ChangeFileError, formatChangeFileProblem } = await import('@switchback/core');
      if (e instanceof ChangeFileError) {
        for (const p of e.problems) process.stderr.write(`${formatChangeFileProblem(p)}\n`);
        return 2;
      }
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
