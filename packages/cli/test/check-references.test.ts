import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtures, makeWorkdir, parseJson, removeWorkdir, runCli, SLOW_MS } from './cli-harness.js';

const repo = path.resolve(fixtures, '../../../..');
const naive = 'examples/support-desk/migrations/0002_merge_contract_into_customer.sql';

interface Report {
  findings: { rule: string; impacts: string[]; references: { file: string; line: number; symbol: string; access: string }[] }[];
}

describe('switchback check names the code a finding breaks', () => {
  it('seed app: the DROP TABLE names SupportCustomerReader (read) and ContractWriter (write) with file:line', { timeout: SLOW_MS }, async () => {
    const r = await runCli(['check', '--format', 'json', naive], { cwd: repo });
    expect(r.code).toBe(1);
    const drop = parseJson<Report>(r).findings.find((f) => f.rule === 'drop-table');
    expect(drop?.references).toEqual(
      expect.arrayContaining([
        { file: 'examples/support-desk/src/contracts/contract-writer.ts', line: 60, symbol: 'ContractWriter', access: 'write' },
        { file: 'examples/support-desk/src/contracts/contract-writer.ts', line: 61, symbol: 'ContractWriter', access: 'write' },
        { file: 'examples/support-desk/src/customers/support-customer-reader.ts', line: 23, symbol: 'SupportCustomerReader', access: 'read' },
      ]),
    );
    // Only the app's own folder is scanned by default: nothing from the packages around it, nothing built.
    expect(drop?.references.every((ref) => ref.file.startsWith('examples/support-desk/src/'))).toBe(true);
    for (const f of parseJson<Report>(r).findings.filter((f) => f.impacts.join() === 'lock')) expect(f.references).toEqual([]);
  });

  it('seed app, run from its own folder: the human output reads like the seed sentence', { timeout: SLOW_MS }, async () => {
    const r = await runCli(['check', 'migrations/0002_merge_contract_into_customer.sql'], { cwd: path.join(repo, 'examples/support-desk') });
    expect(r.stdout).toMatch(
      /Dropping support_contract breaks the previous app version, [^\n]*\. This change modifies the persisted representation used by ContractWriter \(src\/contracts\/contract-writer\.ts:60, 61, writes\), SupportCustomerReader \(src\/customers\/support-customer-reader\.ts:23, reads\)/,
    );
    expect(r.stdout).toContain('expand, dual-write, backfill and read-switch phases behind ReadContractDetailsFromCustomer');
  });

  let dir: string | undefined;
  afterAll(() => removeWorkdir(dir));

  it('--code points at another tree (outside git: walked, node_modules and dist skipped); --no-code scans nothing', { timeout: SLOW_MS }, async () => {
    dir = makeWorkdir();
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(dir!, file)), { recursive: true });
      fs.writeFileSync(path.join(dir!, file), text);
    };
    write('db/0001.sql', 'CREATE TABLE support_contract (id int PRIMARY KEY, tier text);');
    write('db/0002.sql', 'ALTER TABLE support_contract DROP COLUMN tier;');
    write('app/models.py', 'class SupportContract(Base):\n    __tablename__ = "support_contract"\n    tier = Column(String)\n');
    write('app/billing.rb', 'class Billing\n  def gold\n    conn.exec("SELECT tier FROM support_contract")\n  end\nend\n');
    write('node_modules/lib/index.js', "db.query('SELECT tier FROM support_contract')");
    write('dist/app.js', "db.query('SELECT tier FROM support_contract')");
    const scanned = parseJson<Report>(await runCli(['check', '--format', 'json', '--code', 'app', 'db/0002.sql'], { cwd: dir }));
    expect(scanned.findings.find((f) => f.rule === 'drop-column')?.references).toEqual([
      { file: 'app/billing.rb', line: 3, symbol: 'Billing', access: 'read' },
      { file: 'app/models.py', line: 1, symbol: 'SupportContract', access: 'read' },
      { file: 'app/models.py', line: 3, symbol: 'SupportContract', access: 'read' },
    ]);
    const whole = parseJson<Report>(await runCli(['check', '--format', 'json', 'db/0002.sql'], { cwd: dir }));
    expect(whole.findings.find((f) => f.rule === 'drop-column')?.references.map((ref) => ref.file)).toEqual(['app/billing.rb', 'app/models.py', 'app/models.py']);
    const none = parseJson<Report>(await runCli(['check', '--format', 'json', '--no-code', 'db/0002.sql'], { cwd: dir }));
    expect(none.findings.find((f) => f.rule === 'drop-column')?.references).toEqual([]);
  });

  it('a --code that is not a directory is a usage error (exit 2)', { timeout: SLOW_MS }, async () => {
    const r = await runCli(['check', '--code', 'no/such/dir', naive], { cwd: repo });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--code no/such/dir: no such directory');
  });
});
