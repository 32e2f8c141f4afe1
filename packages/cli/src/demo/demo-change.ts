import { parseChangeFile, type ChangeSpec } from '@switchback/core';
import { files } from '@switchback/example-support-desk';
import fs from 'node:fs';

/**
 * The example's change file, pointed at the demo's schema and with weeks of
 * soak and retention compressed to nothing: the demo runs the whole lifecycle
 * in seconds.
 */
export function demoChange(schema: string, sync: 'trigger' | 'app', id: string): ChangeSpec {
  const parsed = parseChangeFile(fs.readFileSync(files.change, 'utf8'), files.change);
  if (!parsed.ok) throw new Error(`the example change file is invalid: ${parsed.problems.map((p) => p.message).join('; ')}`);
  const c = parsed.change;
  if (c.intent !== 'move-columns') throw new Error(`the example change file plans ${c.intent}, not move-columns`);
  return {
    ...c,
    id,
    sync,
    params: {
      ...c.params,
      from: { ...c.params.from, table: `${schema}.${c.params.from.table}` },
      to: { ...c.params.to, table: `${schema}.${c.params.to.table}` },
      rollout: [1, 10, 50, 100],
      soak: { readSwitch: 0, cutOff: 0 },
      retention: 0,
      oldVersions: { app: 'support-desk', versions: ['1'], within: 60_000 },
    },
    execution: { ...c.execution, batchSize: 2_000, targetBatchTime: 150 },
  };
}
