import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { EDITED_APPLIED_MIGRATION } from '../rules/edited-applied-migration.js';
import { IGNORE_WITHOUT_REASON, rules } from '../rules/index.js';
import { MIGRATION_LAYOUTS } from './migration-layout.js';

const ruleIds = new Set([...rules.map((r) => r.id), IGNORE_WITHOUT_REASON, EDITED_APPLIED_MIGRATION]);

const checkConfigSchema = z.strictObject({
  /** The migrations directory, relative to the configuration file: checked when no paths are given. */
  migrations: z.string().min(1).optional(),
  layout: z.enum(MIGRATION_LAYOUTS).optional(),
  /** Default for --schema: a dump, a directory of applied migrations, or a postgres:// URL. */
  schema: z.string().min(1).optional(),
  /** Default for --base. */
  base: z.string().min(1).optional(),
  /** Rule id → severity, or `off`. */
  rules: z
    .record(z.string(), z.enum(['error', 'warning', 'info', 'off']))
    .superRefine((value, ctx) => {
      for (const id of Object.keys(value)) if (!ruleIds.has(id)) ctx.addIssue({ code: 'custom', path: [id], message: `unknown rule "${id}" (rules: ${[...ruleIds].join(', ')})` });
    })
    .optional(),
});

export type CheckConfig = z.infer<typeof checkConfigSchema>;

/** A configuration file that is not valid: every problem with its path in the file. */
export class CheckConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.join('; ')}. Fix the file (keys: migrations, layout, schema, base, rules).`);
    this.name = 'CheckConfigError';
  }
}

/** Validates a configuration value (already parsed from JSON, YAML or a module's default export). */
export function parseCheckConfig(value: unknown, file: string): CheckConfig {
  const r = checkConfigSchema.safeParse(value ?? {});
  if (r.success) return r.data;
  throw new CheckConfigError(
    file,
    r.error.issues.map((i) => {
      const where = i.path.length ? i.path.map(String).join('.') : '(top level)';
      if (i.code === 'unrecognized_keys') return `${where}: unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${[...i.path.map(String), k].join('.')}"`).join(', ')}`;
      return `${where}: ${i.message}`;
    }),
  );
}

/** Parses the text of a JSON or YAML configuration file and validates it. */
export function parseCheckConfigText(text: string, file: string): CheckConfig {
  let value: unknown;
  try {
    value = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new CheckConfigError(file, [`not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'} (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`]);
  }
  return parseCheckConfig(value, file);
}
