import type { IntentKind } from '../change/change-spec.js';
import { pascal } from '../util/names.js';

/**
 * How suggestions name the safe sequence: `plan: <intent kind>` for the
 * intent `switchback plan` offers, and the flag names that intent's plan
 * uses by default. The flag names repeat the intents' defaults (tested equal
 * in plan-hints.test.ts) so the check path does not load the intents.
 */
export const plan = (intent: IntentKind): string => `plan: ${intent}`;

const bare = (table: string) => table.slice(table.indexOf('.') + 1);

/** The read-switch flag of rename-column: `ReadSupportContractTier`. */
export const renameColumnFlag = (table: string, to: string): string => `Read${pascal(bare(table))}${pascal(to)}`;

/** The stop-reads flag of drop-column: `StopReadingSupportCustomerAddress`. */
export const dropColumnFlag = (table: string, column: string): string => `StopReading${pascal(bare(table))}${pascal(column)}`;

/** The stop-reads flag of drop-table: `StopReadingSupportAgent`. */
export const dropTableFlag = (table: string): string => `StopReading${pascal(bare(table))}`;

/** The sentence appended to a suggestion when `switchback plan --from-sql` turns the statement into that change. */
export const fromSqlSentence = (file: string): string => `switchback plan --from-sql ${file.includes(' ') ? `'${file}'` : file} writes the change file for it.`;
