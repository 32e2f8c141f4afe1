import { describe, expect, it } from 'vitest';
import { parsePolicyFile } from './policy-file.js';
import { DEFAULT_MAX_STEP_PERCENT } from './policy.js';

describe('parsePolicyFile', () => {
  it('reads a policy and fills in defaults', () => {
    const r = parsePolicyFile(`version: 1
rules:
  - { transition: rollout, allow: [watcher, "role:dba"] }
approvals:
  - { transition: phase, phase: cut-off, role: dba }
rollout:
  soak: 15m
hours: { timezone: Europe/Berlin }
`, 'switchback.policy.yaml');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.policy.rollout).toMatchObject({ soak: 900_000, maxStepPercent: DEFAULT_MAX_STEP_PERCENT, minCalls: 100 });
    expect(r.policy.hours).toEqual({ timezone: 'Europe/Berlin', days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' });
  });

  it('rejects unknown keys and bad values with their line and path', () => {
    const r = parsePolicyFile(`version: 1
rules:
  - transition: rollout
    alow: [watcher]
rollout:
  maxStepPercent: 150
`, 'p.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => `${p.line}:${p.field}`)).toEqual(expect.arrayContaining(['4:rules[0].alow', '6:rollout.maxStepPercent']));
    expect(r.problems.find((p) => p.field === 'rules[0].alow')!.message).toContain('unknown field "alow"');
  });

  it('reports YAML syntax errors and a wrong version', () => {
    expect(parsePolicyFile('version: [1', 'p.yaml').ok).toBe(false);
    const r = parsePolicyFile('version: 2\n', 'p.yaml');
    expect(!r.ok && r.problems[0]!.message).toContain('version must be 1');
  });
});

describe('the example policy', () => {
  it('is valid', async () => {
    const fs = await import('node:fs');
    const file = new URL('../../../../examples/support-desk/switchback.policy.yaml', import.meta.url);
    const r = parsePolicyFile(fs.readFileSync(file, 'utf8'), 'switchback.policy.yaml');
    expect(r.ok ? [] : r.problems).toEqual([]);
  });
});
