import type { IntentKind } from '../change/change-spec.js';
import type { IntentDef } from './intent.js';
import { moveColumnsIntent } from './move-columns-intent.js';
import { mergeTablesIntent } from './merge-tables-intent.js';
import { dropColumnIntent } from './drop-column-intent.js';
import { dropTableIntent } from './drop-table-intent.js';
import { extractColumnsIntent } from './extract-columns-intent.js';
import { splitTableIntent } from './split-table-intent.js';
import { replaceEnumWithLookupIntent } from './replace-enum-with-lookup-intent.js';

/** Every intent Switchback can plan. Adding a kind without an entry does not compile. */
export const intents = {
  'move-columns': moveColumnsIntent,
  'merge-tables': mergeTablesIntent,
  'drop-column': dropColumnIntent,
  'drop-table': dropTableIntent,
  'extract-columns': extractColumnsIntent,
  'split-table': splitTableIntent,
  'replace-enum-with-lookup': replaceEnumWithLookupIntent,
} satisfies Record<IntentKind, IntentDef<never> | IntentDef<any>>;
