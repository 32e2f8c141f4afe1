import type { ExecutorEvent, GateResult, TransitionResult } from '@switchback/engine';
import { compact, paint, Progress, seconds, type Output } from './output.js';

const verdictStyle = { pass: 'green', fail: 'red', inconclusive: 'yellow', overridden: 'magenta' } as const;

export function renderGate(o: Output, g: GateResult): string {
  return `  ${paint(o, verdictStyle[g.verdict], g.verdict.padEnd(12))} gate ${g.id}: ${g.detail}`;
}

/** Turns executor events into lines (stderr, so --json stdout stays clean) and progress bars. */
export function executorRenderer(o: Output): (e: ExecutorEvent) => void {
  const bars = new Map<string, Progress>();
  let gatesFor = '';
  return (e) => {
    if (e.type !== 'gate') gatesFor = '';
    switch (e.type) {
      case 'phase-start':
        o.err(paint(o, 'bold', `${e.direction === 'forward' ? '▶' : '◀'} ${e.phase} ${e.direction}${e.resumed ? ' (resuming where it stopped)' : ''}`));
        break;
      case 'gate':
        if (gatesFor !== e.phase) o.err(paint(o, 'bold', `? gates before ${e.phase}`));
        gatesFor = e.phase;
        o.err(renderGate(o, e.gate));
        break;
      case 'step':
        o.err(`  ${e.status === 'done' ? paint(o, 'green', '✓') : e.status === 'skipped' ? paint(o, 'gray', '·') : paint(o, 'red', '✗')} ${e.description}${e.status === 'skipped' ? paint(o, 'gray', ' (already done)') : paint(o, 'gray', ` ${seconds(e.ms)}`)}`);
        break;
      case 'retry':
        o.err(paint(o, 'yellow', `  ↻ ${e.step}: lock not granted within lock_timeout (attempt ${e.attempt}); retrying in ${seconds(e.waitMs)}`));
        break;
      case 'backfill': {
        const p = e.progress;
        let bar = bars.get(e.step);
        if (!bar) bars.set(e.step, (bar = new Progress(o, 'backfill')));
        if (p.done) {
          bar.finish(`${p.rowsVisited.toLocaleString('en-US')} rows visited, ${p.rowsChanged.toLocaleString('en-US')} copied in ${p.batches} batches`);
          bars.delete(e.step);
        } else {
          bar.update(p.rowsVisited, p.total, `${compact(p.rowsVisited)}/${compact(p.total)} rows  ${compact(p.rowsPerSecond)} rows/s  ETA ${p.etaMs === null ? '?' : seconds(p.etaMs)}  batch ${p.batchSize}`);
        }
        break;
      }
      case 'verification': {
        const r = e.result;
        const what = r.kind === 'range-checksum' ? `${r.rangesChecked} ranges, ${r.rowsChecked?.toLocaleString('en-US')} rows` : 'query';
        o.err(`  ${r.ok ? paint(o, 'green', '✓') : paint(o, 'red', '✗')} verify ${r.id}: ${r.ok ? `no mismatch (${what})` : `${r.mismatchCount} mismatching rows (${what})`}`);
        for (const m of r.mismatches.slice(0, 10)) o.err(paint(o, 'red', `      ${JSON.stringify(m)}`));
        if (r.mismatchCount > 10) o.err(paint(o, 'red', `      … and ${r.mismatchCount - 10} more (all listed in the ledger event, up to 100)`));
        break;
      }
      case 'rollout':
        o.err(`${paint(o, 'bold', '▶ rollout')} ${e.flag}: ${e.fromPercent}% → ${e.toPercent}%`);
        break;
      case 'phase-done':
        break;
    }
  };
}

export function renderResult(o: Output, r: TransitionResult): void {
  if (r.outcome === 'succeeded') o.err(paint(o, 'green', `${r.change}: ${r.from ?? 'nothing'} → ${r.to ?? 'nothing'} applied`));
  else if (r.outcome === 'not-run') o.err(`${r.change}: nothing to do. ${r.reason ?? ''}`);
  else o.err(paint(o, 'red', `${r.change}: stopped at ${r.to ?? 'the start'}: ${r.reason ?? 'failed'}`));
}

/** 0 done (or nothing to do), 1 a gate, verification or step stopped it. */
export function exitCodeOf(r: TransitionResult): number {
  return r.outcome === 'failed' ? 1 : 0;
}
