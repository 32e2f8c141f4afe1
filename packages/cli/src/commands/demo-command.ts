import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { migrateLedger, SwitchbackError } from '@switchback/engine';
import { runDemo, type DemoResult } from '../demo/run-demo.js';
import { actorOf, openTarget, outputOf, type GlobalOptions } from '../cli-context.js';
import { paint, type Output } from '../output.js';
import { executorRenderer } from '../render-executor.js';

export const DEFAULT_DEMO_ROWS = 100_000;
export const DEMO_DATA_DIR = '.switchback/demo';

interface DemoOptions extends GlobalOptions {
  rows: string;
  mode: 'both' | 'trigger' | 'app';
}

export function demoCommand(program: Command): void {
  program
    .command('demo')
    .description('Run the SupportCustomer / SupportContract change end to end, with the old and the new app version writing throughout, and check that nothing was lost.')
    .option('--rows <n>', 'customers (each with a contract) to start with', String(DEFAULT_DEMO_ROWS))
    .option('--mode <mode>', 'sync mode to exercise: both, trigger or app', 'both')
    .addHelpText('after', `
Without DATABASE_URL / --database-url the demo uses a fresh embedded database in
${DEMO_DATA_DIR}/; on a server it works in schemas of its own (support_desk_*),
dropped at the end (the ledger keeps the demo's record).
Inspect the result afterwards with:
  npx switchback status --data-dir ${DEMO_DATA_DIR}

Exit code 0 only if every invariant held: no committed write lost, no error in
the old version while it ran, zero parity mismatches, an intact ledger.

Examples:
  switchback demo                               100,000 customers on PGlite, both sync modes
  switchback demo --rows 1000000 --mode trigger bigger, one mode
  switchback demo --database-url postgres://postgres@127.0.0.1/postgres --json`)
    .action(async (options: DemoOptions, cmd: Command) => {
      const o = { ...cmd.optsWithGlobals<DemoOptions>(), ...options };
      const rows = Number(o.rows);
      if (!Number.isInteger(rows) || rows < 10 || rows > 100_000_000) throw new SwitchbackError(`--rows must be a whole number from 10 to 100000000 (got "${o.rows}").`);
      if (!['both', 'trigger', 'app'].includes(o.mode)) throw new SwitchbackError(`--mode must be both, trigger or app (got "${o.mode}").`);
      const out = outputOf(o);
      const url = o.databaseUrl ?? process.env.DATABASE_URL;
      const dataDir = o.dataDir ?? DEMO_DATA_DIR;
      if (!url) resetDemoDir(dataDir);
      const db = await openTarget({ ...o, dataDir }, 'demo');
      let result: DemoResult;
      try {
        await migrateLedger(db);
        const log = o.json ? () => {} : executorRenderer(out);
        result = await runDemo({
          db,
          rows,
          modes: o.mode === 'both' ? ['trigger', 'app'] : [o.mode],
          actor: actorOf(o),
          ...(url ? { suffix: new Date().toISOString().replace(/\D/g, '').slice(0, 14), cleanup: true } : {}),
          onEvent: (e) => {
            if (o.json) return;
            if (e.type === 'scenario') out.err(`\n${paint(out, 'bold', `━━ sync: ${e.mode} — change ${e.change} in schema ${e.schema}`)}`);
            else if (e.type === 'note') out.err(paint(out, 'cyan', `  ${e.message}`));
            else if (e.type === 'executor') log(e.event);
          },
        });
      } finally {
        await db.close();
      }
      if (o.json) out.out(JSON.stringify(result, null, 2));
      else renderSummary(out, result, url ? undefined : dataDir);
      process.exitCode = result.ok ? 0 : 1;
    });
}

/** The embedded demo database starts fresh each run (PGlite: one process per directory). */
function resetDemoDir(dataDir: string): void {
  const lock = `${path.resolve(dataDir)}.lock`;
  if (fs.existsSync(lock)) return; // openDatabase reports who holds it, or takes over a stale lock
  fs.rmSync(dataDir, { recursive: true, force: true });
}

function renderSummary(o: Output, r: DemoResult, dataDir?: string): void {
  const check = (ok: boolean, text: string) => o.out(`  ${ok ? paint(o, 'green', '✓') : paint(o, 'red', '✗')} ${text}`);
  o.out();
  o.out(paint(o, 'bold', `Demo: ${r.scenario}, ${r.rows.toLocaleString('en-US')} customers, ${r.seconds}s`));
  for (const s of r.scenarios) {
    o.out(`  sync: ${s.mode} — phases ${s.phases.join(' → ')}; rolled back ${s.rollbacks.map((x) => `${x.from} → ${x.to}`).join(', ') || 'never'}`);
    if (s.error) o.out(paint(o, 'red', `    stopped: ${s.error}`));
    for (const w of s.workloads) o.out(`    app v${w.version}: ${w.committed}/${w.attempted} writes committed, ${w.reads} reads, ${w.errors} errors, ${w.staleReads} stale reads`);
    for (const l of s.lostSamples) o.out(paint(o, 'red', `    lost: ${l}`));
  }
  check(r.writes.lost === 0, `no committed write lost (${r.writes.committed.toLocaleString('en-US')} committed of ${r.writes.attempted.toLocaleString('en-US')} attempted)`);
  check(r.oldVersionErrors === 0, `no error in the old version while it ran (${r.oldVersionErrors})`);
  check(r.parityMismatches === 0, `zero parity mismatches between old and new (${r.parityMismatches})`);
  check(r.ledger.intact, `ledger intact (${r.ledger.events} hash-chained events)`);
  o.out(r.ok ? paint(o, 'green', 'Every invariant held.') : paint(o, 'red', 'An invariant failed: see above.'));
  if (dataDir) o.out(paint(o, 'gray', `Inspect: npx switchback status --data-dir ${dataDir}`));
}
