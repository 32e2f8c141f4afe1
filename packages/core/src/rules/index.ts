import { addColumnVolatileDefaultRule } from './add-column-volatile-default-rule.js';
import { addNotNullColumnRule } from './add-not-null-column-rule.js';
import { addUniqueWithoutIndexRule } from './add-unique-without-index-rule.js';
import { changeColumnTypeRule } from './change-column-type-rule.js';
import { clusterTableRule } from './cluster-table-rule.js';
import { concurrentlyInTransactionRule } from './concurrently-in-transaction-rule.js';
import { deleteWithoutWhereRule } from './delete-without-where-rule.js';
import { dropColumnRule } from './drop-column-rule.js';
import { dropDefaultOnNotNullRule } from './drop-default-on-not-null-rule.js';
import { dropEnumValueRule } from './drop-enum-value-rule.js';
import { dropFunctionRule } from './drop-function-rule.js';
import { dropTableRule } from './drop-table-rule.js';
import { dropTypeRule } from './drop-type-rule.js';
import { dropViewRule } from './drop-view-rule.js';
import { renameColumnRule } from './rename-column-rule.js';
import { renameConstraintRule } from './rename-constraint-rule.js';
import { renameEnumValueRule } from './rename-enum-value-rule.js';
import { renameTableRule } from './rename-table-rule.js';
import { renameTypeRule } from './rename-type-rule.js';
import { requireConcurrentIndexDropRule } from './require-concurrent-index-drop-rule.js';
import { requireConcurrentIndexRule } from './require-concurrent-index-rule.js';
import { requireLockTimeoutRule } from './require-lock-timeout-rule.js';
import type { Rule } from './rule.js';
import { setLoggedUnloggedRule } from './set-logged-unlogged-rule.js';
import { setNotNullRule } from './set-not-null-rule.js';
import { truncateTableRule } from './truncate-table-rule.js';
import { unbatchedBackfillRule } from './unbatched-backfill-rule.js';
import { vacuumFullRule } from './vacuum-full-rule.js';
import { validateConstraintSeparatelyRule } from './validate-constraint-separately-rule.js';
import { viewDropsColumnRule } from './view-drops-column-rule.js';

/** Every rule `check` runs, in report order for findings on the same statement. */
export const rules: readonly Rule[] = [
  addNotNullColumnRule,
  addColumnVolatileDefaultRule,
  dropColumnRule,
  dropTableRule,
  dropViewRule,
  viewDropsColumnRule,
  dropFunctionRule,
  dropTypeRule,
  dropEnumValueRule,
  renameColumnRule,
  renameTableRule,
  renameEnumValueRule,
  renameTypeRule,
  renameConstraintRule,
  changeColumnTypeRule,
  setNotNullRule,
  dropDefaultOnNotNullRule,
  validateConstraintSeparatelyRule,
  addUniqueWithoutIndexRule,
  requireConcurrentIndexRule,
  requireConcurrentIndexDropRule,
  concurrentlyInTransactionRule,
  vacuumFullRule,
  clusterTableRule,
  setLoggedUnloggedRule,
  truncateTableRule,
  unbatchedBackfillRule,
  deleteWithoutWhereRule,
  requireLockTimeoutRule,
];

/** Not a statement rule: reported when a `-- switchback:ignore` comment has no reason. */
export const IGNORE_WITHOUT_REASON = 'ignore-without-reason';
