import { describe, expect, it } from 'vitest';
import { STAGES, stageFor, type Stage } from './stage.js';

// The same in both sync modes: what differs is who writes the other side (see migration.test.ts).
const table: Array<[phase: string | null, readFlagOn: boolean, stage: Stage]> = [
  [null, false, 'off'],
  [null, true, 'off'],
  ['expand', false, 'off'],
  ['expand', true, 'off'],
  ['dual-write', false, 'dual-write'],
  ['dual-write', true, 'dual-write'],
  ['backfill', false, 'dual-write'],
  ['backfill', true, 'dual-write'],
  ['read-switch', false, 'shadow'],
  ['read-switch', true, 'live'],
  ['cut-off', false, 'ramp-down'],
  ['cut-off', true, 'ramp-down'],
  ['contract', false, 'complete'],
  ['contract', true, 'complete'],
  ['no-such-phase', true, 'off'],
  ['toString', true, 'off'], // not fooled by Object.prototype
];

describe('stageFor', () => {
  it.each(table)('phase %s, read flag on %s → %s', (phase, readFlagOn, stage) => {
    expect(stageFor(phase, readFlagOn)).toBe(stage);
  });

  it('reaches every stage in order as the phases advance', () => {
    const phases = [null, 'expand', 'dual-write', 'backfill', 'read-switch', 'read-switch', 'cut-off', 'contract'];
    const reached = phases.map((p, i) => stageFor(p, i === 5));
    expect([...new Set(reached)]).toEqual(Object.keys(STAGES));
  });
});

describe('STAGES', () => {
  // reads: returned side (+ compared side); writes: authoritative side (+ the other after it)
  const expected: Record<Stage, { reads: string; writes: string }> = {
    off: { reads: 'old', writes: 'old' },
    'dual-write': { reads: 'old', writes: 'old + new' },
    shadow: { reads: 'old (new compared)', writes: 'old + new' },
    live: { reads: 'new (old compared)', writes: 'old + new' },
    'ramp-down': { reads: 'new', writes: 'new + old' },
    complete: { reads: 'new', writes: 'new' },
  };

  it.each(Object.entries(expected))('%s', (stage, { reads, writes }) => {
    const b = STAGES[stage as Stage];
    const other = (side: string) => (side === 'old' ? 'new' : 'old');
    expect(b.compare ? `${b.read} (${other(b.read)} compared)` : b.read).toBe(reads);
    expect(b.dualWrite ? `${b.write} + ${other(b.write)}` : b.write).toBe(writes);
  });

  it('never reads a side that is not written', () => {
    for (const b of Object.values(STAGES)) {
      const written = b.dualWrite ? ['old', 'new'] : [b.write];
      expect(written).toContain(b.read);
    }
  });
});
