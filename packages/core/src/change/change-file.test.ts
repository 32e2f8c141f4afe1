import { describe, expect, it } from 'vitest';
import { ChangeFileError, formatChangeFileProblem, parseChangeFile, type ChangeFileProblem } from './change-file.js';
import { changeEnvelope, type ChangeSpec } from './change-spec.js';

const FILE = 'changes/0001-contract-into-customer.yaml';
const DAY = 86_400_000;

// Line numbers in the expectations below refer to this file.
const VALID = `version: 1
title: Move contract tier and end date onto the customer
intent: move-columns
sync: trigger
params:
  from: { table: support_contract, join: customer_id }
  to: { table: support_customer, key: id }
  columns: [tier, end_date]
  retire: table
  rollout: [1, 10, 50, 100]
  retention: 21d
execution:
  lockTimeout: 2s
  batchSize: 1000
`;

const MINIMAL = `version: 1
title: Move the tier
intent: move-columns
params:
  from: { table: support_contract, join: customer_id }
  to: { table: support_customer }
  columns: [tier]
`;

/** VALID with one exact piece of text replaced; fails loudly if the piece is not there. */
function edit(from: string, to: string, text = VALID): string {
  if (!text.includes(from)) throw new Error(`test bug: ${JSON.stringify(from)} not in the file`);
  return text.replace(from, to);
}

function problemsOf(text: string, file = FILE): string[] {
  const result = parseChangeFile(text, file);
  if (result.ok) throw new Error(`expected problems, got a change: ${JSON.stringify(result.change)}`);
  return result.problems.map(formatChangeFileProblem);
}

const defaultExecution = { lockTimeout: 2_000, lockRetries: 10, batchSize: 1_000, targetBatchTime: 100, batchPause: 0, propagation: 5_000 };

describe('parseChangeFile: valid files', () => {
  const cases: { name: string; text: string; file: string; change: ChangeSpec }[] = [
    {
      name: 'the example file',
      text: VALID,
      file: FILE,
      change: {
        id: '0001-contract-into-customer',
        file: FILE,
        title: 'Move contract tier and end date onto the customer',
        intent: 'move-columns',
        sync: 'trigger',
        params: {
          from: { table: 'support_contract', join: 'customer_id' },
          to: { table: 'support_customer', key: 'id' },
          columns: ['tier', 'end_date'],
          retire: 'table',
          flags: {},
          rollout: [1, 10, 50, 100],
          soak: {},
          retention: 21 * DAY,
        },
        execution: defaultExecution,
      },
    },
    {
      name: 'a minimal file gets every default',
      text: MINIMAL,
      file: 'changes/0002-move-tier.yml',
      change: {
        id: '0002-move-tier',
        file: 'changes/0002-move-tier.yml',
        title: 'Move the tier',
        intent: 'move-columns',
        sync: 'trigger',
        params: {
          from: { table: 'support_contract', join: 'customer_id' },
          to: { table: 'support_customer' },
          columns: ['tier'],
          retire: 'table',
          flags: {},
          rollout: [1, 10, 50, 100],
          soak: {},
          retention: 21 * DAY,
        },
        execution: defaultExecution,
      },
    },
    {
      name: 'an explicit id wins over a file name that is not kebab-case',
      text: `id: move-tier\nsync: app\n${edit('  columns: [tier]\n', '  columns: [tier]\n  flags: { readSwitch: ReadTierFromCustomer }\n  soak: { cutOff: 36h }\n', MINIMAL)}execution: { batchPause: 250ms, lockRetries: 0 }\n`,
      file: 'C:\\repo\\changes\\Move Tier.yaml',
      change: {
        id: 'move-tier',
        file: 'C:\\repo\\changes\\Move Tier.yaml',
        title: 'Move the tier',
        intent: 'move-columns',
        sync: 'app',
        params: {
          from: { table: 'support_contract', join: 'customer_id' },
          to: { table: 'support_customer' },
          columns: ['tier'],
          retire: 'table',
          flags: { readSwitch: 'ReadTierFromCustomer' },
          rollout: [1, 10, 50, 100],
          soak: { cutOff: 36 * 3_600_000 },
          retention: 21 * DAY,
        },
        execution: { ...defaultExecution, batchPause: 250, lockRetries: 0 },
      },
    },
  ];

  it.each(cases)('$name', ({ text, file, change }) => {
    expect(parseChangeFile(text, file)).toEqual({ ok: true, change });
  });
});

describe('parseChangeFile: problems', () => {
  const cases: { name: string; text: string; file?: string; problems: string[] }[] = [
    // The file as a whole
    { name: 'empty file', text: '', problems: [`${FILE}:1:1: the file is empty; a change file needs at least version, title, intent and params`] },
    { name: 'only comments', text: '# todo\n', problems: [`${FILE}:1:1: the file is empty; a change file needs at least version, title, intent and params`] },
    {
      name: 'top level is a list',
      text: '- version: 1\n',
      problems: [`${FILE}:1:1: the top level must be a mapping of fields (version:, title:, intent:, params:), got a list`],
    },
    {
      name: 'top level is a string',
      text: 'move some columns\n',
      problems: [`${FILE}:1:1: the top level must be a mapping of fields (version:, title:, intent:, params:), got a string`],
    },
    {
      name: 'two YAML documents',
      text: `${VALID}---\n${VALID}`,
      problems: [`${FILE}:15:1: a change file holds one YAML document; remove the "---" and what follows, or move it to its own file`],
    },
    // YAML syntax
    {
      name: 'unclosed quote',
      text: edit('title: Move', 'title: "Move'),
      problems: [`${FILE}:15:1: Missing closing "quote`],
    },
    {
      name: 'tab indentation',
      text: edit('  batchSize: 1000', '\tbatchSize: 1000'),
      problems: [`${FILE}:14:1: Tabs are not allowed as indentation; indent with spaces`],
    },
    {
      name: 'duplicate key',
      text: edit('sync: trigger\n', 'sync: trigger\nsync: app\n'),
      problems: [`${FILE}:5:1: Map keys must be unique; a field appears twice; keep only one`],
    },
    {
      name: 'bad indentation',
      text: edit('  to:', '   to:'),
      problems: [`${FILE}:7:1: All mapping items must start at the same column`],
    },
    // Unknown fields
    {
      name: 'unknown top-level key with a suggestion',
      text: edit('execution:', 'executoin:'),
      problems: [`${FILE}:12:1: executoin: unknown field "executoin"; did you mean "execution"?`],
    },
    {
      name: 'unknown top-level key without a suggestion',
      text: `${VALID}owner: platform-team\n`,
      problems: [`${FILE}:15:1: owner: unknown field "owner"; remove it (known fields: version, id, title, intent, sync, params, execution)`],
    },
    {
      name: 'unknown nested key',
      text: edit('  columns:', '  colums:'),
      problems: [
        `${FILE}:6:3: params.columns: required field "columns" is missing`,
        `${FILE}:8:3: params.colums: unknown field "colums"; did you mean "columns"?`,
      ],
    },
    {
      name: 'unknown key in a flow mapping',
      text: edit('key: id }', 'key: id, tennant: org_id }'),
      problems: [`${FILE}:7:43: params.to.tennant: unknown field "tennant"; did you mean "tenant"?`],
    },
    // The envelope
    { name: 'missing title', text: edit('title: Move contract tier and end date onto the customer\n', ''), problems: [`${FILE}:1:1: title: required field "title" is missing`] },
    { name: 'empty title', text: edit('title: Move contract tier and end date onto the customer', 'title: ""'), problems: [`${FILE}:2:8: title: must not be empty`] },
    { name: 'title left blank', text: edit('title: Move contract tier and end date onto the customer', 'title:'), problems: [`${FILE}:2:1: title: expected a string, got nothing`] },
    { name: 'wrong version', text: edit('version: 1', 'version: 2'), problems: [`${FILE}:1:10: version: version must be 1`] },
    { name: 'version as a string', text: edit('version: 1', 'version: "1"'), problems: [`${FILE}:1:10: version: version must be 1`] },
    { name: 'missing version', text: edit('version: 1\n', ''), problems: [`${FILE}:1:1: version: required field "version" is missing`] },
    { name: 'unknown intent', text: edit('intent: move-columns', 'intent: move-column'), problems: [`${FILE}:3:9: intent: must be one of: ${changeEnvelope.shape.intent.options.join(', ')}`] },
    { name: 'bad sync value', text: edit('sync: trigger', 'sync: triggers'), problems: [`${FILE}:4:7: sync: must be one of: trigger, app`] },
    { name: 'missing params', text: MINIMAL.slice(0, MINIMAL.indexOf('params:')), problems: [`${FILE}:1:1: params: required field "params" is missing`] },
    { name: 'params not a mapping', text: edit('params:\n', 'params: [tier]\nparamz:\n', MINIMAL.slice(0, MINIMAL.indexOf('params:') + 8)), problems: [`${FILE}:4:9: params: expected a mapping of fields, got a list`, `${FILE}:5:1: paramz: unknown field "paramz"; did you mean "params"?`] },
    // params
    { name: 'columns not a list', text: edit('columns: [tier, end_date]', 'columns: tier'), problems: [`${FILE}:8:12: params.columns: expected a list of column names, got a string`] },
    { name: 'empty columns', text: edit('columns: [tier, end_date]', 'columns: []'), problems: [`${FILE}:8:12: params.columns: name at least one column to move`] },
    { name: 'duplicated column', text: edit('columns: [tier, end_date]', 'columns: [tier, end_date, tier]'), problems: [`${FILE}:8:12: params.columns: a column is listed twice`] },
    {
      name: 'bad identifier',
      text: edit('columns: [tier, end_date]', 'columns: [tier, 2nd_date]'),
      problems: [`${FILE}:8:19: params.columns[1]: use a plain SQL name (letters, digits, _; not starting with a digit)`],
    },
    { name: 'empty identifier is reported once', text: edit('columns: [tier, end_date]', 'columns: [tier, ""]'), problems: [`${FILE}:8:19: params.columns[1]: must not be empty`] },
    { name: 'identifier too long', text: edit('join: customer_id', `join: ${'c'.repeat(64)}`), problems: [`${FILE}:6:42: params.from.join: PostgreSQL names are at most 63 bytes`] },
    { name: 'bad table name', text: edit('table: support_contract', 'table: support contract'), problems: [`${FILE}:6:18: params.from.table: use a table name such as support_contract or billing.invoice`] },
    { name: 'table is a number', text: edit('table: support_customer', 'table: 42'), problems: [`${FILE}:7:16: params.to.table: expected a string, got 42`] },
    { name: 'missing nested field', text: edit(', join: customer_id }', ' }'), problems: [`${FILE}:6:9: params.from.join: required field "join" is missing`] },
    { name: 'bad retire value', text: edit('retire: table', 'retire: rows'), problems: [`${FILE}:9:11: params.retire: must be one of: table, columns`] },
    {
      name: 'bad duration',
      text: edit('retention: 21d', 'retention: 3 weeks'),
      problems: [`${FILE}:11:14: params.retention: "3 weeks" is not a duration; write e.g. 250ms, 2s, 10m, 36h or 21d`],
    },
    {
      name: 'duration of the wrong type',
      text: edit('lockTimeout: 2s', 'lockTimeout: true'),
      problems: [`${FILE}:13:16: execution.lockTimeout: expected a duration such as 250ms, 2s, 10m or 21d, got true`],
    },
    { name: 'rollout not increasing', text: edit('rollout: [1, 10, 50, 100]', 'rollout: [1, 50, 10, 100]'), problems: [`${FILE}:10:12: params.rollout: rollout steps must increase`] },
    { name: 'rollout not ending at 100', text: edit('rollout: [1, 10, 50, 100]', 'rollout: [1, 10, 50]'), problems: [`${FILE}:10:12: params.rollout: the last rollout step must be 100`] },
    {
      name: 'rollout step out of range',
      text: edit('rollout: [1, 10, 50, 100]', 'rollout: [0, 10, 150]'),
      problems: [
        `${FILE}:10:12: params.rollout: the last rollout step must be 100`,
        `${FILE}:10:13: params.rollout[0]: must be greater than 0`,
        `${FILE}:10:20: params.rollout[2]: must be at most 100`,
      ],
    },
    {
      name: 'bad flag name',
      text: edit('  retire: table\n', '  retire: table\n  flags: { readSwitch: read_from_customer }\n'),
      problems: [`${FILE}:10:24: params.flags.readSwitch: flag names are PascalCase verb phrases, e.g. ReadContractDetailsFromCustomer`],
    },
    // execution
    { name: 'batch size not a whole number', text: edit('batchSize: 1000', 'batchSize: 1.5'), problems: [`${FILE}:14:14: execution.batchSize: expected a whole number, got 1.5`] },
    { name: 'batch size zero', text: edit('batchSize: 1000', 'batchSize: 0'), problems: [`${FILE}:14:14: execution.batchSize: must be at least 1`] },
    // The change id
    {
      name: 'bad file name',
      text: VALID,
      file: 'changes/Contract Into Customer.yaml',
      problems: [
        'changes/Contract Into Customer.yaml:1:1: id: the file name gives the change id "Contract Into Customer", but change ids are kebab-case, e.g. 0001-contract-into-customer; rename the file or set "id:" in it',
      ],
    },
    { name: 'bad explicit id', text: `id: Move_Tier\n${VALID}`, problems: [`${FILE}:1:5: id: change ids are kebab-case, e.g. 0001-contract-into-customer`] },
    // Everything at once, sorted by position
    {
      name: 'all problems are reported, sorted by line then column',
      text: edit('version: 1', 'version: 3', edit('sync: trigger', 'sync: sometimes', edit('columns: [tier, end_date]', 'columns: [tier, tier]', edit('retention: 21d', 'retention: soon')))),
      file: 'changes/Bad.yaml',
      problems: [
        'changes/Bad.yaml:1:1: id: the file name gives the change id "Bad", but change ids are kebab-case, e.g. 0001-contract-into-customer; rename the file or set "id:" in it',
        'changes/Bad.yaml:1:10: version: version must be 1',
        'changes/Bad.yaml:4:7: sync: must be one of: trigger, app',
        'changes/Bad.yaml:8:12: params.columns: a column is listed twice',
        'changes/Bad.yaml:11:14: params.retention: "soon" is not a duration; write e.g. 250ms, 2s, 10m, 36h or 21d',
      ],
    },
  ];

  it.each(cases)('$name', ({ text, file, problems }) => {
    expect(problemsOf(text, file)).toEqual(problems);
  });
});

describe('parseChangeFile never throws', () => {
  it.each([
    ['an unresolved alias', 'title: *nowhere\n'],
    ['binary noise', '\u0000\u0001{[}]: : :\n\t"'],
    ['a deeply odd structure', '? [a, b]\n: c\n1: 2\n'],
  ])('%s', (_name, text) => {
    const result = parseChangeFile(text, FILE);
    expect(result.ok).toBe(false);
    if (!result.ok) for (const p of result.problems) expect(p.line).toBeGreaterThanOrEqual(1);
  });
});

describe('formatChangeFileProblem and ChangeFileError', () => {
  const problems: ChangeFileProblem[] = [
    { file: 'changes/0001.yaml', line: 7, column: 12, field: 'params.columns[1]', message: 'must not be empty' },
    { file: 'changes/0001.yaml', line: 1, column: 1, field: '', message: 'the file is empty' },
  ];

  it('formats file:line:column: field: message, leaving out an empty field', () => {
    expect(problems.map(formatChangeFileProblem)).toEqual([
      'changes/0001.yaml:7:12: params.columns[1]: must not be empty',
      'changes/0001.yaml:1:1: the file is empty',
    ]);
  });

  it('puts every problem in the error message, one per line', () => {
    const error = new ChangeFileError(problems);
    expect(error.message).toBe('changes/0001.yaml:7:12: params.columns[1]: must not be empty\nchanges/0001.yaml:1:1: the file is empty');
    expect(error.problems).toBe(problems);
    expect(error.name).toBe('ChangeFileError');
  });
});
