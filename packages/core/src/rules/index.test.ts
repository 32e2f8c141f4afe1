import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rules } from './index.js';

describe('the rule catalogue', () => {
  it('has unique kebab-case ids', () => {
    const ids = rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });

  it.each(rules.map((r) => [r.id]))('%s is one file with a table-driven test beside it', (id) => {
    expect(fs.existsSync(new URL(`./${id}-rule.ts`, import.meta.url))).toBe(true);
    expect(fs.existsSync(new URL(`./${id}-rule.test.ts`, import.meta.url))).toBe(true);
  });

  it('gives every rule a title and a severity', () => {
    for (const r of rules) {
      expect(r.title.length).toBeGreaterThan(0);
      expect(['error', 'warning']).toContain(r.severity);
    }
  });
});
