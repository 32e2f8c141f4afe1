import { describe, expect, it } from 'vitest';
import { parseRules } from './rules.js';

const rule = { attribute: 'plan', op: 'in', values: ['gold'], serve: true };

describe('parseRules', () => {
  it('keeps valid rules as written, with each rule indexed', () => {
    expect(
      parseRules({
        deny: { tenants: ['globex'], users: ['mallory'] },
        allow: { users: ['alice'] },
        rules: [rule, { attribute: 'country', op: 'not-in', values: ['NO', 1], serve: 'b' }],
        variants: [{ name: 'a', weight: 1 }, { name: 'b', weight: 3 }],
        defaultVariant: 'a',
      }),
    ).toEqual({
      rules: {
        deny: { tenants: ['globex'], users: ['mallory'] },
        allow: { users: ['alice'] },
        rules: [{ ...rule, index: 0 }, { attribute: 'country', op: 'not-in', values: ['NO', '1'], serve: 'b', index: 1 }],
        variants: [{ name: 'a', weight: 1 }, { name: 'b', weight: 3 }],
        defaultVariant: 'a',
      },
      problems: [],
    });
  });

  it.each([null, undefined, {}])('treats %j as no rules', (raw) => {
    expect(parseRules(raw)).toEqual({ rules: {}, problems: [] });
  });

  const bad: Array<[name: string, raw: unknown, problem: string]> = [
    ['not an object', [1, 2], 'rules must be a JSON object'],
    ['unknown field', { deny: {}, enable: true }, 'unknown field "enable"'],
    ['deny not an object', { deny: 'globex' }, 'deny must be an object'],
    ['deny list not an array', { deny: { tenants: 'globex' } }, 'deny.tenants must be an array of strings'],
    ['objects in a list', { allow: { users: ['a', {}] } }, 'allow.users has 1 non-string item(s), ignored'],
    ['unknown op', { rules: [{ ...rule, op: 'regex' }] }, 'rules[0].op must be one of in, not-in, equals, starts-with'],
    ['no attribute', { rules: [{ ...rule, attribute: '' }] }, 'rules[0].attribute must be a non-empty string'],
    ['unknown variant served', { rules: [{ ...rule, serve: 'c' }] }, 'rules[0].serve names an unknown variant "c"'],
    ['serve a number', { rules: [{ ...rule, serve: 1 }] }, 'rules[0].serve must be true, false or a variant name'],
    ['no values', { rules: [{ ...rule, values: undefined }] }, 'rules[0].values is required'],
    ['rules not an array', { rules: {} }, 'rules.rules must be an array'],
    ['negative weight', { variants: [{ name: 'a', weight: -1 }] }, 'variants[0] must be { name: non-empty string, weight: integer >= 0 }'],
    ['repeated variant', { variants: [{ name: 'a', weight: 1 }, { name: 'a', weight: 2 }] }, 'variants[1] repeats the name "a"'],
    ['zero weights', { variants: [{ name: 'a', weight: 0 }] }, 'variants all have weight 0'],
    ['defaultVariant not a string', { defaultVariant: 3 }, 'defaultVariant must be a string'],
  ];
  it.each(bad)('reports %s and keeps the rest', (_name, raw, problem) => {
    const { problems } = parseRules(raw);
    expect(problems).toContain(problem);
  });

  it('drops only the invalid rule', () => {
    const { rules } = parseRules({ rules: [{ ...rule, op: 'nope' }, rule] });
    expect(rules.rules).toEqual([{ ...rule, index: 1 }]);
  });
});
