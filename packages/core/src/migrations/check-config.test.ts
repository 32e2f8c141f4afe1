import { describe, expect, it } from 'vitest';
import { CheckConfigError, parseCheckConfig, parseCheckConfigText } from './check-config.js';

describe('check configuration', () => {
  it('accepts every key', () => {
    const config = parseCheckConfigText('migrations: db/migrations\nlayout: flyway\nschema: db/schema.sql\nbase: origin/develop\nrules:\n  require-lock-timeout: off\n  drop-column: warning\n', 'switchback.config.yaml');
    expect(config).toEqual({ migrations: 'db/migrations', layout: 'flyway', schema: 'db/schema.sql', base: 'origin/develop', rules: { 'require-lock-timeout': 'off', 'drop-column': 'warning' } });
  });

  it('accepts an empty file', () => expect(parseCheckConfigText('', 'switchback.config.yml')).toEqual({}));

  it.each([
    ['an unknown top-level key', { migration: 'db' }, /\(top level\): unknown key "migration"/],
    ['an unknown rule', { rules: { 'drop-everything': 'off' } }, /rules\.drop-everything: unknown rule "drop-everything"/],
    ['a bad severity', { rules: { 'drop-column': 'fatal' } }, /rules\.drop-column: /],
    ['an unknown layout', { layout: 'liquibase' }, /layout: .*"flyway"/],
    ['a wrong type', { base: 3 }, /base: /],
  ])('rejects %s with its path', (_, value, message) => {
    const error = (() => {
      try {
        parseCheckConfig(value, 'switchback.config.json');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(CheckConfigError);
    expect((error as Error).message).toMatch(/^switchback\.config\.json: /);
    expect((error as Error).message).toMatch(message);
  });

  it('reports a JSON syntax error as a configuration error', () => {
    expect(() => parseCheckConfigText('{ "base": ', 'switchback.config.json')).toThrow(/switchback\.config\.json: not valid JSON/);
  });
});
