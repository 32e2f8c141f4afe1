import type { Finding } from '../findings/finding.js';

/** Not a statement rule: a migration that production already ran was changed. */
export const EDITED_APPLIED_MIGRATION = 'edited-applied-migration';

export const editedAppliedMigrationRule = {
  id: EDITED_APPLIED_MIGRATION,
  title: 'Editing a migration that production already ran',
  impacts: ['rollback'] as const,
  severity: 'warning' as const,
};

/**
 * The finding for a migration changed since the base branch. Migration tools
 * do not run an applied migration again (Flyway refuses the checksum, most
 * others skip it), so production never sees the edit while fresh databases
 * do: the schemas drift, and a rollback or rebuild lands on a schema nobody
 * tested. Points at the first changed line.
 */
export function editedMigrationFinding(file: string, before: string, after: string, base: string): Finding {
  const a = before.split(/\r?\n/);
  const b = after.split(/\r?\n/);
  let line = 0;
  while (line < a.length && line < b.length && a[line] === b[line]) line++;
  return {
    rule: EDITED_APPLIED_MIGRATION,
    impacts: [...editedAppliedMigrationRule.impacts],
    severity: editedAppliedMigrationRule.severity,
    file,
    line: Math.min(line, b.length - 1) + 1,
    column: 1,
    message: `This migration already exists on ${base}, so production has run it; the edit will never run there (migration tools skip or refuse an applied migration), while new environments get the edited version: the schemas drift apart, and rebuilding or rolling back lands on a schema nobody tested.`,
    suggestion: `Restore the file as it is on ${base} and put the change in a new migration.`,
    references: [],
  };
}
