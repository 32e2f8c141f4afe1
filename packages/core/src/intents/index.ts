import type { IntentKind } from '../change/change-spec.js';
import type { IntentDef } from './intent.js';
import { moveColumnsIntent } from './move-columns-intent.js';
import { renameColumnIntent } from './rename-column-intent.js';
import { renameTableIntent } from './rename-table-intent.js';
import { changeColumnTypeIntent } from './change-column-type-intent.js';
import { addNotNullIntent } from './add-not-null-intent.js';
import { addForeignKeyIntent } from './add-foreign-key-intent.js';
import { addUniqueIntent } from './add-unique-intent.js';
import { addIndexIntent } from './add-index-intent.js';
import { addEnumValueIntent } from './add-enum-value-intent.js';
import { mergeTablesIntent } from './merge-tables-intent.js';
import { dropColumnIntent } from './drop-column-intent.js';
import { dropTableIntent } from './drop-table-intent.js';
import { extractColumnsIntent } from './extract-columns-intent.js';
import { splitTableIntent } from './split-table-intent.js';
import { replaceEnumWithLookupIntent } from './replace-enum-with-lookup-intent.js';

/** Every intent Switchback can plan. Adding a kind without an entry does not compile. */
export const intents = {
  'move-columns': moveColumnsIntent,
  'rename-column': renameColumnIntent,
  'rename-table': renameTableIntent,
  'change-column-type': changeColumnTypeIntent,
  'add-not-null': addNotNullIntent,
  'add-foreign-key': addForeignKeyIntent,
  'add-unique': addUniqueIntent,
  'add-index': addIndexIntent,
  'add-enum-value': addEnumValueIntent,
  'merge-tables': mergeTablesIntent,
  'drop-column': dropColumnIntent,
  'drop-table': dropTableIntent,
  'extract-columns': extractColumnsIntent,
  'split-table': splitTableIntent,
  'replace-enum-with-lookup': replaceEnumWithLookupIntent,
} satisfies Record<IntentKind, IntentDef<never> | IntentDef<any>>;
