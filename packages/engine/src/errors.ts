/**
 * Named errors with the offending names as fields. Messages say what went
 * wrong, where, and how to fix it; the CLI turns them into exit codes.
 */
export class SwitchbackError extends Error {
  /** Exit code the CLI uses: 2 = bad input or environment, 1 = the change did not pass. */
  readonly exitCode: 1 | 2 = 2;
}

export class DatabaseUnreachableError extends SwitchbackError {
  constructor(
    readonly target: string,
    readonly reason: string,
    /** Where the URL came from, e.g. `DATABASE_URL` or `--database-url`. */
    readonly source = 'the database URL',
  ) {
    super(`Cannot connect to ${target}: ${reason}. Check ${source} (host, port, user, password, database name) and that the server is running.`);
  }
}

export class InvalidDatabaseUrlError extends SwitchbackError {
  constructor(
    readonly target: string,
    readonly source = 'the database URL',
  ) {
    super(`${source} is not a PostgreSQL URL (${target}). Use a postgres://user@host:port/database URL.`);
  }
}

export class DatabaseInUseError extends SwitchbackError {
  constructor(
    readonly dataDir: string,
    readonly holder: string,
  ) {
    super(`The embedded database at ${dataDir} is in use by ${holder}. Wait for it to finish (PGlite allows one process at a time), or stop that process.`);
  }
}

export class ChangeNotFoundError extends SwitchbackError {
  constructor(
    readonly change: string,
    readonly known: string[],
  ) {
    super(`No change "${change}" in the ledger${known.length ? ` (known: ${known.join(', ')})` : ''}. Pass the change file (switchback advance changes/${change}.yaml) to register it.`);
  }
}

export class ExecutorBusyError extends SwitchbackError {
  constructor(
    readonly change: string,
    readonly holder: string,
  ) {
    super(`Another executor is working on ${change}: ${holder}. Only one may run per change; wait for it to finish or stop it (a killed executor releases its lock at once).`);
  }
}

export class LedgerTooNewError extends SwitchbackError {
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(`This database's ledger is at version ${found}, but this switchback only knows up to version ${known}. Upgrade switchback.`);
  }
}

export class PhaseOrderError extends SwitchbackError {
  constructor(
    readonly change: string,
    message: string,
  ) {
    super(message);
  }
}

export class ChangeFileChangedError extends SwitchbackError {
  constructor(
    readonly change: string,
    readonly appliedPhase: string | null,
  ) {
    super(`The file for ${change} changed after it was registered (applied through ${appliedPhase ?? 'nothing'}), and its plan differs. A change in flight cannot be edited: roll it back to the start (switchback rollback ${change} --to start), or write a new change file.`);
  }
}

/** A step could not get its lock within lock_timeout, on every retry. */
export class LockTimeoutError extends SwitchbackError {
  override readonly exitCode = 1;
  constructor(
    readonly step: string,
    readonly attempts: number,
    readonly blockers: string[],
  ) {
    super(
      `Step ${step} could not get its lock after ${attempts} attempts (each waited lock_timeout, so other queries never queued behind it for longer).` +
        (blockers.length ? ` Longest-running transactions: ${blockers.join('; ')}.` : '') +
        ` Re-run when they finish, or raise execution.lockTimeout / lockRetries in the change file.`,
    );
  }
}

export function isSwitchbackError(e: unknown): e is SwitchbackError {
  return e instanceof SwitchbackError;
}

/**
 * PostgreSQL answered COMMIT with ROLLBACK: a statement inside the transaction
 * failed and its error was caught, so nothing the transaction wrote was kept.
 * node-postgres reports that as success; reporting it as a commit would lose
 * writes silently.
 */
export class TransactionRolledBackError extends SwitchbackError {
  constructor() {
    super('The transaction was rolled back at COMMIT: a statement inside it failed and its error was caught, so none of its writes were kept. Let the error propagate, or isolate the statement that may fail in a savepoint.');
  }
}
