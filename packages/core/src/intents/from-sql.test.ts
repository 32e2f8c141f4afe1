import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseChangeFile } from '../change/change-file.js';
import { planChange } from '../plan/plan-change.js';
import { allSteps } from '../plan/plan.js';
import { buildSchema } from '../schema/schema-builder.js';
import type { SchemaModel } from '../schema/schema-model.js';
import { loadSqlParser, parseSql, type SqlFile } from '../sql/parse-sql.js';
import { changeFileYaml, changesFromSql } from './from-sql.js';
import { intents } from './index.js';

const example = (p: string) => fileURLToPath(new URL(`../../../../examples/support-desk/${p}`, import.meta.url));
const BASE = `${fs.readFileSync(example('migrations/0001_create_support_tables.sql'), 'utf8')}
CREATE TYPE tier_level AS ENUM ('bronze', 'silver', 'gold');
CREATE TABLE support_agent (id bigserial PRIMARY KEY, email text, team_id bigint);
CREATE TABLE support_team (id bigserial PRIMARY KEY, name text);`;

function sqlFile(file: string, text: string): SqlFile {
  const r = parseSql(file, text);
  if (!r.ok) throw new Error(r.error.message);
  return r.file;
}
let base: SchemaModel;
const fromSql = (text: string) => changesFromSql([sqlFile('migrations/0002.sql', text)], structuredClone(base));

beforeAll(async () => {
  await loadSqlParser();
  base = buildSchema([sqlFile('0001.sql', BASE)]);
});

describe('changesFromSql: one unsafe statement, one change', () => {
  const cases: [string, string, { intent: string; params: Record<string, unknown>; id: string }][] = [
    ['RENAME COLUMN', 'ALTER TABLE support_customer RENAME COLUMN company_name TO organisation;', { intent: 'rename-column', id: 'rename-support-customer-company-name', params: { table: 'support_customer', from: 'company_name', to: 'organisation' } }],
    ['RENAME TO', 'ALTER TABLE support_contract RENAME TO contract;', { intent: 'rename-table', id: 'rename-support-contract', params: { from: 'support_contract', to: 'contract' } }],
    ['ALTER COLUMN TYPE', 'ALTER TABLE support_contract ALTER COLUMN id TYPE numeric(20);', { intent: 'change-column-type', id: 'change-support-contract-id-type', params: { table: 'support_contract', column: 'id', type: 'numeric(20)' } }],
    ['ALTER COLUMN TYPE … USING a plain cast', 'ALTER TABLE support_contract ALTER COLUMN tier TYPE tier_level USING tier::tier_level;', { intent: 'change-column-type', id: 'change-support-contract-tier-type', params: { table: 'support_contract', column: 'tier', type: 'tier_level' } }],
    ['SET NOT NULL', 'ALTER TABLE support_contract ALTER COLUMN tier SET NOT NULL;', { intent: 'add-not-null', id: 'require-support-contract-tier', params: { table: 'support_contract', column: 'tier', nullWriters: 'none' } }],
    ['a validated FOREIGN KEY', 'ALTER TABLE support_agent ADD CONSTRAINT agent_team FOREIGN KEY (team_id) REFERENCES support_team (id);', { intent: 'add-foreign-key', id: 'link-support-agent-team-id', params: { table: 'support_agent', columns: ['team_id'], references: { table: 'support_team', columns: ['id'] }, name: 'agent_team' } }],
    ['a FOREIGN KEY … ON DELETE CASCADE', 'ALTER TABLE support_agent ADD FOREIGN KEY (team_id) REFERENCES support_team ON DELETE CASCADE;', { intent: 'add-foreign-key', id: 'link-support-agent-team-id', params: { table: 'support_agent', columns: ['team_id'], references: { table: 'support_team' }, onDelete: 'cascade' } }],
    ['ADD UNIQUE', 'ALTER TABLE support_agent ADD UNIQUE (email);', { intent: 'add-unique', id: 'unique-support-agent-email', params: { table: 'support_agent', columns: ['email'] } }],
    ['CREATE INDEX', 'CREATE INDEX agent_email ON support_agent (email);', { intent: 'add-index', id: 'index-support-agent-email', params: { table: 'support_agent', columns: ['email'], name: 'agent_email' } }],
    ['CREATE INDEX USING … WHERE', 'CREATE INDEX ON support_agent USING hash (email) WHERE team_id IS NOT NULL;', { intent: 'add-index', id: 'index-support-agent-email', params: { table: 'support_agent', columns: ['email'], method: 'hash', where: 'team_id IS NOT NULL' } }],
    ['CREATE UNIQUE INDEX', 'CREATE UNIQUE INDEX agent_email ON support_agent (email);', { intent: 'add-unique', id: 'unique-support-agent-email', params: { table: 'support_agent', columns: ['email'], name: 'agent_email' } }],
    ['ADD VALUE', "ALTER TYPE tier_level ADD VALUE 'platinum' AFTER 'gold';", { intent: 'add-enum-value', id: 'add-tier-level-platinum', params: { type: 'tier_level', value: 'platinum', after: 'gold' } }],
    ['DROP COLUMN', 'ALTER TABLE support_customer DROP COLUMN address;', { intent: 'drop-column', id: 'drop-support-customer-address', params: { table: 'support_customer', column: 'address' } }],
    ['DROP TABLE', 'DROP TABLE support_agent;', { intent: 'drop-table', id: 'drop-support-agent', params: { table: 'support_agent' } }],
  ];
  it.each(cases)('%s', (_name, sql, expected) => {
    const r = fromSql(sql);
    expect(r.unmatched).toEqual([]);
    expect(r.changes.map(({ intent, params, id }) => ({ intent, params, id }))).toEqual([expected]);
    expect(r.changes[0]!.origins).toEqual([expect.objectContaining({ file: 'migrations/0002.sql', line: 1, column: 1 })]);
    // Once the catalogue has the intent, the change file is valid for it as written.
    const c = r.changes[0]!;
    expect(c.plannable).toBe(Object.hasOwn(intents, c.intent));
    if (c.plannable) {
      const parsed = parseChangeFile(changeFileYaml(c), `changes/${c.id}.yaml`);
      expect(parsed.ok ? [] : parsed.problems.map((p) => `${p.field}: ${p.message}`)).toEqual([]);
    }
  });
});

describe('changesFromSql: SET NOT NULL', () => {
  it('writes down the assumption SET NOT NULL makes, beside the parameter that states it, and the plan warns of it', () => {
    const c = fromSql('ALTER TABLE support_contract ALTER COLUMN tier SET NOT NULL;').changes[0]!;
    const yaml = changeFileYaml(c);
    expect(yaml).toContain('  nullWriters: none # as SET NOT NULL assumes; if a running version may write NULL, set oldVersions instead\n');
    const parsed = parseChangeFile(yaml, `changes/${c.id}.yaml`);
    if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('; '));
    const planned = planChange(parsed.change, base);
    expect(planned.ok && planned.plan.notes[0]).toMatch(/^Assumed, not checked \(params\.nullWriters: none\): no running app version writes NULL to support_contract\.tier\./);
  });
});

describe('changesFromSql: what yields nothing, several changes, or no intent', () => {
  it.each([
    ['a concurrent index', 'SET lock_timeout = 2000;\nCREATE INDEX CONCURRENTLY agent_email ON support_agent (email);'],
    ['a foreign key added NOT VALID', "SET lock_timeout = '2s';\nALTER TABLE support_agent ADD CONSTRAINT t FOREIGN KEY (team_id) REFERENCES support_team (id) NOT VALID;"],
    ['a nullable column', "SET lock_timeout = '2s';\nALTER TABLE support_agent ADD COLUMN phone text;"],
    ['SET NOT NULL on a column already NOT NULL', "SET lock_timeout = '2s';\nALTER TABLE support_customer ALTER COLUMN contact_name SET NOT NULL;"],
    ['a new table and its index', 'CREATE TABLE note (id bigint PRIMARY KEY, body text);\nCREATE INDEX note_body ON note (body);'],
    ['a value added to a new enum', "CREATE TYPE mood AS ENUM ('sad');\nALTER TYPE mood ADD VALUE 'happy';"],
  ])('%s: nothing', (_name, sql) => {
    expect(fromSql(sql)).toEqual({ changes: [], unmatched: [] });
  });

  it('maps each sub-command of an ALTER TABLE and each table of a DROP on its own', () => {
    const r = fromSql('ALTER TABLE support_customer DROP COLUMN address, ALTER COLUMN tenant SET NOT NULL;\nALTER TABLE support_agent DROP COLUMN team_id, ALTER COLUMN email SET NOT NULL;\nDROP TABLE support_agent, support_team;');
    expect(r.changes.map((c) => `${c.intent} ${JSON.stringify(c.params)}`)).toEqual([
      'drop-column {"table":"support_customer","column":"address"}',
      'drop-column {"table":"support_agent","column":"team_id"}',
      'add-not-null {"table":"support_agent","column":"email","nullWriters":"none"}',
      'drop-table {"table":"support_agent"}',
      'drop-table {"table":"support_team"}',
    ]);
    expect(r.changes.map((c) => c.origins[0]!.line)).toEqual([1, 2, 2, 3, 3]);
    expect(r.unmatched).toEqual([]);
  });

  it('gives changes of the same name distinct ids', () => {
    const r = fromSql('DROP TABLE support_agent;\nCREATE TABLE support_agent (id int);\nDROP TABLE support_agent;');
    expect(r.changes.map((c) => c.id)).toEqual(['drop-support-agent']);
    const twice = fromSql('CREATE INDEX a ON support_agent (email);\nCREATE INDEX b ON support_agent (email);');
    expect(twice.changes.map((c) => c.id)).toEqual(['index-support-agent-email', 'index-support-agent-email-2']);
  });

  it.each([
    ['TRUNCATE', 'TRUNCATE support_agent;', /no intent plans this \(truncate-table\)/],
    ['a NOT NULL column without a default', "SET lock_timeout = '2s';\nALTER TABLE support_agent ADD COLUMN phone text NOT NULL;", /no intent plans this \(add-not-null-column\)/],
    ['a validated CHECK', "SET lock_timeout = '2s';\nALTER TABLE support_agent ADD CONSTRAINT e CHECK (email <> '');", /no intent plans this \(validate-constraint-separately\).*NOT VALID/],
    ['an expression index', 'CREATE INDEX ON support_agent (lower(email));', /expression index is not planned by add-index/],
    ['a partial unique index', 'CREATE UNIQUE INDEX ON support_agent (email) WHERE team_id IS NOT NULL;', /partial or non-btree unique index is not planned by add-unique/],
    ['a type change with a computed USING', "SET lock_timeout = '2s';\nALTER TABLE support_agent ALTER COLUMN team_id TYPE text USING 'team-' || team_id;", /converts support_agent\.team_id with a plain cast, not USING/],
    ['a safe statement missing only its lock_timeout', 'ALTER TABLE support_agent ADD COLUMN phone text;', /only the lock_timeout is missing; no phased plan is needed/],
  ])('lists %s as unmatched, with advice', (_name, sql, message) => {
    const r = fromSql(sql);
    expect(r.changes).toEqual([]);
    expect(r.unmatched).toHaveLength(1);
    expect(r.unmatched[0]!.message).toMatch(message);
    expect(r.unmatched[0]!.file).toBe('migrations/0002.sql');
  });

  it('says which kinds the catalogue can plan', () => {
    const r = fromSql('ALTER TABLE support_customer RENAME COLUMN address TO street;\nALTER TABLE support_customer ADD COLUMN tier text, ADD COLUMN end_date date;\nUPDATE support_customer c SET tier = k.tier, end_date = k.end_date FROM support_contract k WHERE k.customer_id = c.id;\nDROP TABLE support_contract;');
    expect(r.changes.map((c) => c.intent)).toEqual(['move-columns', 'rename-column']);
    for (const c of r.changes) expect(c.plannable).toBe(Object.hasOwn(intents, c.intent));
    expect(r.changes[0]!.plannable).toBe(true);
  });
});

describe('changesFromSql on the seed migration', () => {
  const seed = () => changesFromSql([sqlFile('migrations/0002_merge_contract_into_customer.sql', fs.readFileSync(example('migrations/0002_merge_contract_into_customer.sql'), 'utf8'))], structuredClone(base));

  it('turns the one-step merge into one move-columns change, every statement accounted for', () => {
    const r = seed();
    expect(r.unmatched).toEqual([]);
    expect(r.changes).toHaveLength(1);
    const c = r.changes[0]!;
    expect(c).toMatchObject({ id: 'move-support-contract-into-support-customer', intent: 'move-columns', plannable: true });
    expect(c.origins.map((o) => o.line)).toEqual([4, 5, 7]);
    const file = parse(fs.readFileSync(example('changes/0001-contract-into-customer.yaml'), 'utf8')) as { params: Record<string, unknown> };
    const { from, to, columns, retire } = file.params;
    expect(c.params).toEqual({ from, to, columns, retire });
  });

  it('writes a change file that parses and plans the same steps as the example change', () => {
    const c = seed().changes[0]!;
    const yaml = changeFileYaml(c);
    expect(yaml).toMatch(/^# Replaces:\n# {3}migrations\/0002_merge_contract_into_customer\.sql:4: ALTER TABLE support_customer ADD COLUMN tier text, ADD COLUMN end_date date\n/);
    const parsed = parseChangeFile(yaml, `changes/${c.id}.yaml`);
    const example0001 = parseChangeFile(fs.readFileSync(example('changes/0001-contract-into-customer.yaml'), 'utf8'), 'changes/0001-contract-into-customer.yaml');
    if (!parsed.ok || !example0001.ok) throw new Error('a change file does not parse');
    const ours = planChange({ ...parsed.change, id: example0001.change.id }, base);
    const theirs = planChange(example0001.change, base);
    if (!ours.ok || !theirs.ok) throw new Error('a change does not plan');
    expect(allSteps(ours.plan)).toEqual(allSteps(theirs.plan));
  });
});
