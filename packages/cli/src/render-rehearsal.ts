import type { RehearsalCell, RehearsalResult } from '@switchback/engine';
import { paint, type Output } from './output.js';

const MARK = { pass: '✓', fail: '✗', 'n/a': '–', 'not-run': '·' } as const;

/** The rehearsal matrix: one row per (phase, direction), one column per app version, then the failures. */
export function renderRehearsal(o: Output, r: RehearsalResult, kept?: string): void {
  const mark = (c: RehearsalCell | undefined) => {
    if (!c) return ' ';
    const style = c.status === 'pass' ? 'green' : c.status === 'fail' ? 'red' : 'gray';
    return paint(o, style, MARK[c.status]);
  };
  o.out();
  o.out(paint(o, 'bold', `Rehearsal of ${r.change}: ${r.rows.toLocaleString('en-US')} rows per table on ${r.database === 'pglite' ? 'PGlite' : 'PostgreSQL'}, ${r.edges.length} transitions, ${r.seconds}s`));
  o.out(paint(o, 'gray', `  old version runs at: ${r.windows.old.join(', ')}; new version at: ${r.windows.new.join(', ')}`));
  const width = Math.max(...r.phases.map((p) => p.length), 5) + 2;
  o.out();
  o.out(`  ${'phase'.padEnd(width)}${'direction'.padEnd(11)}old  new  transition            locks`);
  for (const phase of r.phases) {
    for (const direction of ['forward', 'backward'] as const) {
      const cell = (v: string) => r.cells.find((c) => c.phase === phase && c.direction === direction && c.version === v);
      const edges = r.edges.filter((e) => e.phaseId === phase && e.direction === direction);
      const outcome = edges.length ? (edges.every((e) => e.outcome === 'succeeded') ? paint(o, 'green', `ok ×${edges.length}`) : paint(o, 'red', 'failed')) : paint(o, 'gray', 'not run');
      const waits = edges.map((e) => e.lockWaitMs).filter((x): x is number => x !== undefined);
      const locks = r.database === 'pglite' ? paint(o, 'gray', 'not measurable on PGlite') : waits.length ? `${Math.max(...waits)} ms max wait` : '';
      const pad = outcome.length - stripAnsi(outcome).length;
      o.out(`  ${phase.padEnd(width)}${direction.padEnd(11)}${mark(cell('old'))}    ${mark(cell('new'))}    ${outcome.padEnd(22 + pad)}${locks}`);
    }
  }
  o.out(paint(o, 'gray', `  ✓ passed  ✗ failed  – version not running there  · not reached`));
  o.out();
  o.out(`  writes: ${r.writes.committed.toLocaleString('en-US')} committed, ${r.writes.checked.toLocaleString('en-US')} checks, ${r.writes.lost} lost`);
  if (r.overrides.length) o.out(paint(o, 'gray', `  gates overridden (reason "rehearsal"): ${r.overrides.map((g) => `${g.phase}/${g.gate}`).join(', ')}`));
  if (r.failures.length) {
    o.out();
    o.out(paint(o, 'red', `${r.failures.length} failed check(s):`));
    for (const f of r.failures.slice(0, 20)) {
      o.out(`  ${paint(o, 'red', '✗')} ${f.phase} ${f.direction}${f.version ? `, ${f.version} version` : ''}: ${f.check}`);
      o.out(`      query: ${oneLine(f.query)}`);
      o.out(`      error: ${f.error}`);
    }
    if (r.failures.length > 20) o.out(`  … ${r.failures.length - 20} more (--json lists them all)`);
  }
  if (kept) o.out(paint(o, 'gray', `  scratch database kept at ${kept}${r.database === 'pglite' ? ` (inspect: npx switchback status --data-dir ${kept})` : ''}`));
  o.out(r.ok ? paint(o, 'green', 'The matrix is clean: every phase holds forward and backward for both versions.') : paint(o, 'red', 'The rehearsal failed: see the cells marked ✗ above.'));
}

function oneLine(sql: string): string {
  const s = sql.replace(/\s+/g, ' ').trim();
  return s.length > 300 ? `${s.slice(0, 297)}...` : s;
}

function stripAnsi(s: string): string {
  return s.replace(/\u001b\[\d+m/g, '');
}
