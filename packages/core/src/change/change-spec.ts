import { z } from 'zod';
import { parseDuration } from '../util/duration.js';
import type { RenameColumnParams } from '../intents/rename-column-intent.js';
import type { RenameTableParams } from '../intents/rename-table-intent.js';
import type { ChangeColumnTypeParams } from '../intents/change-column-type-intent.js';
import type { AddNotNullParams } from '../intents/add-not-null-intent.js';
import type { AddForeignKeyParams } from '../intents/add-foreign-key-intent.js';
import type { AddUniqueParams } from '../intents/add-unique-intent.js';
import type { AddIndexParams } from '../intents/add-index-intent.js';
import type { AddEnumValueParams } from '../intents/add-enum-value-intent.js';
import type { MergeTablesParams } from '../intents/merge-tables-intent.js';
import type { DropColumnParams } from '../intents/drop-column-intent.js';
import type { DropTableParams } from '../intents/drop-table-intent.js';
import type { ExtractColumnsParams } from '../intents/extract-columns-intent.js';
import type { SplitTableParams } from '../intents/split-table-intent.js';
import type { ReplaceEnumWithLookupParams } from '../intents/replace-enum-with-lookup-intent.js';

/** Current version of the change-file format. */
export const CHANGE_FILE_VERSION = 1;

export const DEFAULT_LOCK_TIMEOUT_MS = 2_000;
export const DEFAULT_BATCH_SIZE = 1_000;
export const DEFAULT_TARGET_BATCH_MS = 100;
export const DEFAULT_LOCK_RETRIES = 10;
export const DEFAULT_PROPAGATION_MS = 5_000;

export const identifier = z
  .string()
  .min(1)
  .max(63, 'PostgreSQL names are at most 63 bytes')
  .regex(/^[A-Za-z_][A-Za-z0-9_$]*$/, 'use a plain SQL name (letters, digits, _; not starting with a digit)');

/** A table name, optionally schema-qualified (`billing.invoice`). */
export const tableName = z
  .string()
  .regex(
    /^([A-Za-z_][A-Za-z0-9_$]*\.)?[A-Za-z_][A-Za-z0-9_$]*$/,
    'use a table name such as support_contract or billing.invoice',
  );

export const duration = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    const ms = parseDuration(v);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${v}" is not a duration; write e.g. 250ms, 2s, 10m, 36h or 21d` });
      return z.NEVER;
    }
    return ms;
  });

export const flagName = z
  .string()
  .regex(/^[A-Z][A-Za-z0-9]*$/, 'flag names are PascalCase verb phrases, e.g. ReadContractDetailsFromCustomer');

export const moveColumnsParams = z.strictObject({
  from: z.strictObject({
    table: tableName,
    /** Column of `from` that references `to` (e.g. customer_id). */
    join: identifier,
  }),
  to: z.strictObject({
    table: tableName,
    /** Column of `to` the join references; defaults to its primary key. */
    key: identifier.optional(),
    /** Column of `to` naming the tenant, for the read flag's allow-list. */
    tenant: identifier.optional(),
  }),
  columns: z.array(identifier).min(1, 'name at least one column to move').refine((a) => new Set(a).size === a.length, {
    message: 'a column is listed twice',
  }),
  /** Retire the whole source table (default) or only the moved columns. */
  retire: z.enum(['table', 'columns']).default('table'),
  flags: z
    .strictObject({ dualWrite: flagName.optional(), readSwitch: flagName.optional() })
    .default({}),
  /** Read-switch rollout percentages, increasing, ending at 100. */
  rollout: z
    .array(z.number().gt(0).max(100))
    .min(1)
    .refine((a) => a.every((v, i) => i === 0 || v > a[i - 1]!), { message: 'rollout steps must increase' })
    .refine((a) => a[a.length - 1] === 100, { message: 'the last rollout step must be 100' })
    .default([1, 10, 50, 100]),
  soak: z
    .strictObject({ readSwitch: duration.optional(), cutOff: duration.optional() })
    .default({}),
  /** How long after cut-off the contract phase may drop the old shape. */
  retention: duration.default(21 * 86_400_000),
  /** App versions that must be gone before writes stop reaching the old shape. */
  oldVersions: z
    .strictObject({ app: z.string().min(1), versions: z.array(z.string().min(1)).min(1), within: duration.default(600_000) })
    .optional(),
});
export type MoveColumnsParams = z.output<typeof moveColumnsParams>;

export const executionSettings = z
  .strictObject({
    lockTimeout: duration.default(DEFAULT_LOCK_TIMEOUT_MS),
    lockRetries: z.number().int().min(0).max(100).default(DEFAULT_LOCK_RETRIES),
    batchSize: z.number().int().min(1).max(1_000_000).default(DEFAULT_BATCH_SIZE),
    /** Batches adapt their size to take about this long. */
    targetBatchTime: duration.default(DEFAULT_TARGET_BATCH_MS),
    batchPause: duration.default(0),
    /** How long running app instances take to notice a phase change (their flag refresh interval, with margin). */
    propagation: duration.default(DEFAULT_PROPAGATION_MS),
  })
  .default({
    lockTimeout: DEFAULT_LOCK_TIMEOUT_MS,
    lockRetries: DEFAULT_LOCK_RETRIES,
    batchSize: DEFAULT_BATCH_SIZE,
    targetBatchTime: DEFAULT_TARGET_BATCH_MS,
    batchPause: 0,
    propagation: DEFAULT_PROPAGATION_MS,
  });
export type ExecutionSettings = z.output<typeof executionSettings>;

const changeId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'change ids are kebab-case, e.g. 0001-contract-into-customer');

/** The envelope every change file shares; `params` is checked by the intent. */
export const changeEnvelope = z.strictObject({
  version: z.literal(CHANGE_FILE_VERSION, { message: `version must be ${CHANGE_FILE_VERSION}` }),
  id: changeId.optional(),
  title: z.string().min(1),
  intent: z.enum([
    'move-columns',
    'rename-column',
    'rename-table',
    'change-column-type',
    'add-not-null',
    'add-foreign-key',
    'add-unique',
    'add-index',
    'add-enum-value',
    'merge-tables',
    'drop-column',
    'drop-table',
    'extract-columns',
    'split-table',
    'replace-enum-with-lookup',
  ]),
  sync: z.enum(['trigger', 'app']).default('trigger'),
  params: z.unknown(),
  execution: executionSettings,
});

export type IntentKind = z.output<typeof changeEnvelope>['intent'];

/** Each intent's validated params, by kind. */
export interface IntentParams {
  'move-columns': MoveColumnsParams;
  'rename-column': RenameColumnParams;
  'rename-table': RenameTableParams;
  'change-column-type': ChangeColumnTypeParams;
  'add-not-null': AddNotNullParams;
  'add-foreign-key': AddForeignKeyParams;
  'add-unique': AddUniqueParams;
  'add-index': AddIndexParams;
  'add-enum-value': AddEnumValueParams;
  'merge-tables': MergeTablesParams;
  'drop-column': DropColumnParams;
  'drop-table': DropTableParams;
  'extract-columns': ExtractColumnsParams;
  'split-table': SplitTableParams;
  'replace-enum-with-lookup': ReplaceEnumWithLookupParams;
}

interface ChangeBase {
  id: string;
  file: string;
  title: string;
  sync: 'trigger' | 'app';
  execution: ExecutionSettings;
}

/** A validated change file: the envelope, and the params of its intent. */
export type ChangeSpec = { [K in IntentKind]: ChangeBase & { intent: K; params: IntentParams[K] } }[IntentKind];
