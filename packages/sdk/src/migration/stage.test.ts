import { describe, expect, it } from 'vitest';
import { stageFor, type Stage } from './stage.js';

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
  ['cut-off', false, 'complete'],
  ['cut-off', true, 'complete'],
  ['contract', false, 'complete'],
  ['contract', true, 'complete'],
  ['no-such-phase', true, 'off'],
  ['toString', true, 'off'], // not fooled by Object.prototype
];

describe('stageFor', () => {
  it.each(table)('phase %s, read flag on %s → %s', (phase, readFlagOn, stage) => {
    expect(stageFor(phase, readFlagOn)).toBe(stage);
  });
});
