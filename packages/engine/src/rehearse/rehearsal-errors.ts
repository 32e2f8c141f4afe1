import { SwitchbackError } from '../errors.js';

/** The change, its schema or the options cannot be rehearsed as given (exit code 2). */
export class RehearsalInputError extends SwitchbackError {}

/** A column whose type data generation has no values for, and that cannot be left NULL. */
export class UnsupportedColumnTypeError extends RehearsalInputError {
  constructor(
    readonly table: string,
    readonly column: string,
    readonly type: string,
  ) {
    super(`Cannot generate values for ${table}.${column} (type ${type}, NOT NULL, no default). Give the column a default in the schema you rehearse against (--schema), or make it nullable there.`);
  }
}
