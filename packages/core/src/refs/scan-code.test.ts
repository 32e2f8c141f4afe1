import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SchemaModel } from '../schema/schema-model.js';
import type { CodeAccess } from './code-accesses.js';
import { scanCode, type CodeSource } from './scan-code.js';

/** Source text from lines, so a case's expected line is the index + 1 of what it reads. */
const src = (...lines: string[]) => lines.join('\n');

const col = (name: string, type = 'text') => ({ name, type, nullable: true, default: null });
/** The seed's schema: support_customer and support_contract. */
const schema: SchemaModel = {
  tables: {
    support_customer: { name: 'support_customer', schema: 'public', primaryKey: ['id'], columns: ['id', 'tenant', 'contact_name', 'company_name', 'address'].map((c) => col(c)) },
    support_contract: { name: 'support_contract', schema: 'public', primaryKey: ['id'], columns: ['id', 'customer_id', 'start_date', 'tier', 'end_date'].map((c) => col(c)) },
  },
};

type Expected = Pick<CodeAccess, 'file' | 'line' | 'symbol' | 'access'> & { column?: string };

async function accesses(sources: CodeSource[], table = 'support_contract'): Promise<CodeAccess[]> {
  return (await scanCode(sources, { tables: [table], schema })).filter((a) => a.table === table);
}

/** The table-level uses (no column, or every column) in `file:line symbol access` form. */
const tableUses = (found: CodeAccess[]) => found.filter((a) => a.column === undefined || a.column === '*').map((a) => `${a.file}:${a.line} ${a.symbol} ${a.access}`);
const columnUses = (found: CodeAccess[], column: string) => found.filter((a) => a.column === column).map((a) => `${a.file}:${a.line} ${a.symbol} ${a.access}`);

interface Case {
  name: string;
  sources: CodeSource[];
  /** Table-level uses of support_contract, in order. */
  table: string[];
  /** Uses of support_contract.tier (or its mapped property). */
  tier?: string[];
}

const cases: Case[] = [
  {
    name: 'TypeScript: SQL in template strings, table names through a binding in another file',
    sources: [
      { file: 'src/sql.ts', text: src(`export const tables = () => ({ contract: q('support_contract') });`) },
      {
        file: 'src/reader.ts',
        text: src(
          'export class SupportCustomerReader {',
          '  read(id: number) {',
          '    // SELECT tier FROM support_contract in a comment is not a use',
          '    return this.db.query(`SELECT k.tier',
          '      FROM ${this.t.contract} k WHERE k.customer_id = $1`, [id]);',
          '  }',
          '}',
          'export async function writeTier(db, id, tier) {',
          "  await db.query('UPDATE support_contract SET tier = $2 WHERE id = $1', [id, tier]);",
          '}',
          "const message = 'support_contract was updated';",
        ),
      },
    ],
    table: ['src/reader.ts:5 SupportCustomerReader read', 'src/reader.ts:9 writeTier write'],
    tier: ['src/reader.ts:4 SupportCustomerReader read', 'src/reader.ts:9 writeTier write'],
  },
  {
    name: 'JavaScript: Knex chains',
    sources: [
      {
        file: 'lib/contracts.js',
        text: src(
          'class ContractRepo {',
          '  find(id) {',
          "    return knex('support_contract').where('customer_id', id).select('tier', 'end_date');",
          '  }',
          '  setTier(id, tier) {',
          "    return this.knex.table('support_contract').where({ id }).update({ tier });",
          '  }',
          '}',
        ),
      },
    ],
    table: ['lib/contracts.js:3 ContractRepo read', 'lib/contracts.js:6 ContractRepo write'],
    tier: ['lib/contracts.js:3 ContractRepo read', 'lib/contracts.js:6 ContractRepo write'],
  },
  {
    name: 'JavaScript: Knex with an alias and raw fragments',
    sources: [
      {
        file: 'lib/report.js',
        text: src(
          'async function goldCount(knex) {',
          "  return knex('support_contract as k')",
          "    .join('support_customer as c', 'c.id', 'k.customer_id')",
          "    .whereRaw(\"k.tier = 'gold' AND c.tier <> ?\", ['x'])",
          "    .select('k.end_date');",
          '}',
        ),
      },
    ],
    table: ['lib/report.js:2 goldCount read'],
    tier: ['lib/report.js:4 goldCount read'],
  },
  {
    name: 'TypeScript: Kysely',
    sources: [
      {
        file: 'src/repo.ts',
        text: src(
          'export async function contracts(db: Kysely<DB>) {',
          "  const rows = await db.selectFrom('support_contract').select(['tier', 'end_date']).execute();",
          "  await db.insertInto('support_contract').values({ customer_id: 1, tier: 'gold' }).execute();",
          '  return rows;',
          '}',
        ),
      },
    ],
    table: ['src/repo.ts:2 contracts read', 'src/repo.ts:3 contracts write'],
    tier: ['src/repo.ts:2 contracts read', 'src/repo.ts:3 contracts write'],
  },
  {
    name: 'TypeScript: Drizzle table and its uses',
    sources: [
      { file: 'src/schema.ts', text: src("export const supportContract = pgTable('support_contract', {", "  tier: text('tier'),", "  endDate: date('end_date'),", '});') },
      {
        file: 'src/service.ts',
        text: src(
          'export class ContractService {',
          '  async list() {',
          '    return db.select().from(supportContract).where(eq(supportContract.tier, "gold"));',
          '  }',
          '  async setTier(tier: string) {',
          '    await db.update(supportContract).set({ tier });',
          '  }',
          '}',
        ),
      },
    ],
    table: ['src/schema.ts:1 supportContract read', 'src/service.ts:3 ContractService read', 'src/service.ts:6 ContractService write'],
    tier: ['src/schema.ts:2 supportContract read', 'src/service.ts:3 ContractService read', 'src/service.ts:6 ContractService write'],
  },
  {
    name: 'Prisma: schema model with @@map and the client delegate',
    sources: [
      {
        file: 'prisma/schema.prisma',
        text: src(
          '// support contracts',
          'model SupportContract {',
          '  id         Int      @id',
          '  customer   Customer @relation(fields: [customerId], references: [id])',
          '  customerId Int      @map("customer_id")',
          '  tier       String?',
          '  endDate    DateTime? @map("end_date")',
          '  @@map("support_contract")',
          '}',
        ),
      },
      {
        file: 'src/billing.ts',
        text: src(
          'export class Billing {',
          '  tiers() {',
          '    return prisma.supportContract.findMany({ select: { tier: true } });',
          '  }',
          '  upgrade(id: number) {',
          "    return prisma.supportContract.update({ where: { id }, data: { tier: 'gold' } });",
          '  }',
          '}',
        ),
      },
    ],
    table: ['prisma/schema.prisma:2 SupportContract read', 'src/billing.ts:3 Billing read', 'src/billing.ts:6 Billing write'],
    tier: ['prisma/schema.prisma:6 SupportContract read', 'src/billing.ts:3 Billing read', 'src/billing.ts:6 Billing write'],
  },
  {
    name: 'TypeScript: TypeORM entity and repository use',
    sources: [
      {
        file: 'src/support-contract.entity.ts',
        text: src("@Entity('support_contract')", 'export class SupportContract {', '  @PrimaryGeneratedColumn() id: number;', '  @Column() tier: string;', "  @Column({ name: 'end_date' }) endDate: Date;", '  helper = 1;', '}'),
      },
      {
        file: 'src/renewals.ts',
        text: src('export class Renewals {', '  constructor(private repo: Repository<SupportContract>) {}', '  renew(c: SupportContract) {', "    c.tier = 'gold';", '  }', '}'),
      },
    ],
    table: ['src/renewals.ts:2 Renewals read', 'src/renewals.ts:3 Renewals read', 'src/support-contract.entity.ts:2 SupportContract read'],
    tier: ['src/renewals.ts:4 Renewals write', 'src/support-contract.entity.ts:4 SupportContract read'],
  },
  {
    name: 'JavaScript: Sequelize model',
    sources: [
      {
        file: 'models/contract.js',
        text: src("const Contract = sequelize.define('Contract', {", '  tier: DataTypes.STRING,', "  endDate: { type: DataTypes.DATE, field: 'end_date' },", "}, { tableName: 'support_contract' });"),
      },
      { file: 'routes/contracts.js', text: src('async function upgrade(id) {', "  await Contract.update({ tier: 'gold' }, { where: { id } });", '}') },
    ],
    table: ['models/contract.js:1 Contract read', 'routes/contracts.js:2 upgrade write'],
    tier: ['models/contract.js:2 Contract read', 'routes/contracts.js:2 upgrade write'],
  },
  {
    name: 'Python: SQLAlchemy model and uses, raw SQL with %s',
    sources: [
      {
        file: 'app/models.py',
        text: src('class SupportContract(Base):', '    __tablename__ = "support_contract"', '    id = Column(Integer, primary_key=True)', '    tier = Column(String)', '    end_date = mapped_column("end_date", Date)'),
      },
      {
        file: 'app/service.py',
        text: src(
          'class ContractService:',
          '    """Reads SELECT tier FROM support_contract, says the docstring."""',
          '    def gold(self, session):',
          '        return session.query(SupportContract).filter(SupportContract.tier == "gold").all()',
          '    def set_tier(self, cur, cid, tier):',
          '        cur.execute("UPDATE support_contract SET tier = %s WHERE id = %s", (tier, cid))',
          '    def create(self, session):',
          '        session.add(SupportContract(tier="gold"))',
        ),
      },
    ],
    table: ['app/models.py:1 SupportContract read', 'app/service.py:4 ContractService read', 'app/service.py:6 ContractService write', 'app/service.py:8 ContractService write'],
    tier: ['app/models.py:4 SupportContract read', 'app/service.py:4 ContractService read', 'app/service.py:6 ContractService write', 'app/service.py:8 ContractService write'],
  },
  {
    name: 'Go: SQL in raw and interpreted strings, squirrel',
    sources: [
      {
        file: 'internal/contracts/repo.go',
        text: src(
          'package contracts',
          'const contractTable = "support_contract"',
          'func (r *ContractRepo) Tier(id int64) (string, error) {',
          '\trow := r.db.QueryRow(`SELECT tier',
          '\t\tFROM support_contract WHERE customer_id = $1`, id)',
          '\treturn scan(row)',
          '}',
          'func SetTier(db *sql.DB, id int64, tier string) error {',
          '\t_, err := sq.Update(contractTable).Set("tier", tier).Where("id = ?", id).RunWith(db).Exec()',
          '\treturn err',
          '}',
        ),
      },
    ],
    table: ['internal/contracts/repo.go:5 ContractRepo read', 'internal/contracts/repo.go:9 SetTier write'],
    tier: ['internal/contracts/repo.go:4 ContractRepo read', 'internal/contracts/repo.go:9 SetTier write'],
  },
  {
    name: 'Java: JDBC with ? placeholders and a JPA entity',
    sources: [
      {
        file: 'src/main/java/desk/SupportContract.java',
        text: src('@Entity', '@Table(name = "support_contract")', 'public class SupportContract {', '  @Id private Long id;', '  private String tier;', '  @Column(name = "end_date") private LocalDate endDate;', '}'),
      },
      {
        file: 'src/main/java/desk/ContractDao.java',
        text: src('public class ContractDao {', '  void setTier(long id, String tier) {', '    jdbc.update("UPDATE support_contract SET tier = ? WHERE id = ?", tier, id);', '  }', '}'),
      },
    ],
    table: ['src/main/java/desk/ContractDao.java:3 ContractDao write', 'src/main/java/desk/SupportContract.java:1 SupportContract read'],
    tier: ['src/main/java/desk/ContractDao.java:3 ContractDao write', 'src/main/java/desk/SupportContract.java:5 SupportContract read'],
  },
  {
    name: 'C#: Entity Framework entity, DbSet and LINQ, Dapper SQL',
    sources: [
      {
        file: 'Desk/SupportContract.cs',
        text: src('public class SupportContract', '{', '    public long Id { get; set; }', '    public string Tier { get; set; }', '    public DateTime EndDate { get; set; }', '}'),
      },
      {
        file: 'Desk/DeskContext.cs',
        text: src(
          'public class DeskContext : DbContext',
          '{',
          '    public DbSet<SupportContract> SupportContracts { get; set; }',
          '}',
          'public class SupportCustomerReader',
          '{',
          '    public string Tier(DeskContext db, long id) => db.SupportContracts.Where(c => c.Tier == "gold").First().Tier;',
          '    public void Add(DeskContext db) { db.SupportContracts.Add(new SupportContract { Tier = "gold" }); }',
          '    public void Raw(IDbConnection conn) { conn.Execute(@"DELETE FROM support_contract WHERE id = @id", new { id = 1 }); }',
          '}',
        ),
      },
    ],
    table: ['Desk/DeskContext.cs:3 DeskContext read', 'Desk/DeskContext.cs:7 SupportCustomerReader read', 'Desk/DeskContext.cs:8 SupportCustomerReader write', 'Desk/DeskContext.cs:9 SupportCustomerReader write', 'Desk/SupportContract.cs:1 SupportContract read'],
    tier: ['Desk/DeskContext.cs:7 SupportCustomerReader read', 'Desk/DeskContext.cs:8 SupportCustomerReader write', 'Desk/SupportContract.cs:4 SupportContract read'],
  },
  {
    name: 'Ruby: ActiveRecord model (plural convention) and raw SQL',
    sources: [
      { file: 'app/models/support_contract.rb', text: src('class SupportContract < ApplicationRecord', '  self.table_name = "support_contract"', 'end') },
      {
        file: 'app/services/renewal.rb',
        text: src(
          'class Renewal',
          '  def call(id)',
          '    SupportContract.where(customer_id: id).update_all(tier: "gold")',
          '    SupportContract.where(customer_id: id).pluck(:tier)',
          '    conn.exec_params("SELECT tier FROM support_contract WHERE id = $1", [id])',
          '  end',
          'end',
        ),
      },
    ],
    table: ['app/models/support_contract.rb:1 SupportContract read', 'app/services/renewal.rb:3 Renewal write', 'app/services/renewal.rb:4 Renewal read', 'app/services/renewal.rb:5 Renewal read'],
    tier: ['app/services/renewal.rb:3 Renewal write', 'app/services/renewal.rb:4 Renewal read', 'app/services/renewal.rb:5 Renewal read'],
  },
];

describe('scanCode', () => {
  it.each(cases)('$name', async ({ sources, table, tier }) => {
    const found = await accesses(sources);
    expect(tableUses(found)).toEqual(table);
    if (tier) expect(columnUses(found, 'tier').filter((u) => !u.includes(' * '))).toEqual(tier);
  });
});

describe('scanCode does not report', () => {
  it.each<[string, CodeSource[]]>([
    ['a column of the same name in another table (SQL)', [{ file: 'a.ts', text: "db.query('SELECT tier FROM support_customer WHERE id = $1');" }]],
    ['a column of the same name in another table (builder)', [{ file: 'a.js', text: "knex('support_customer').select('tier').update({ tier: 'gold' });" }]],
    ['a model of another table with the same column', [{ file: 'm.py', text: 'class SupportCustomer(Base):\n    __tablename__ = "support_customer"\n    tier = Column(String)\n\ndef f(s):\n    return s.query(SupportCustomer).filter(SupportCustomer.tier == 1)' }]],
    ['SQL in comments', [
      { file: 'c.ts', text: '// db.query("SELECT tier FROM support_contract")\n/* UPDATE support_contract SET tier = 1 */\nexport const x = 1;' },
      { file: 'c.py', text: '# cur.execute("DELETE FROM support_contract")\nx = 1' },
      { file: 'c.rb', text: '# SupportContract.where(tier: 1)\nx = 1' },
      { file: 'c.go', text: 'package c\n// db.Exec(`DELETE FROM support_contract`)\nvar x = 1' },
      { file: 'C.java', text: 'class C { /* jdbc.update("DELETE FROM support_contract") */ }' },
      { file: 'C.cs', text: 'class C { // conn.Execute("DELETE FROM support_contract");\n}' },
    ]],
    ['strings that only mention the table', [{ file: 'l.ts', text: "log.info('support_contract was updated');\nthrow new Error('Failed to update support_contract for ' + id);\nconst help = 'see the support_contract docs';" }]],
    ['a class whose name only starts like a model', [{ file: 'v.ts', text: 'export class SupportContractView { render() { return 1; } }' }]],
    ['an interpolation bound to different tables in different places', [
      { file: 'a.ts', text: "const t = 'support_contract';" },
      { file: 'b.ts', text: "const t = 'support_customer';\nexport const q = () => db.query(`SELECT tier FROM ${t}`);" },
    ]],
  ])('%s', async (_, sources) => {
    const found = await accesses(sources);
    expect(found).toEqual([]);
  });

  it('finds nothing when no table is asked for', async () => {
    expect(await scanCode([{ file: 'a.ts', text: "db.query('SELECT 1 FROM support_contract')" }], { tables: [] })).toEqual([]);
  });
});

describe('scanCode on concatenated SQL', () => {
  it.each<[string, CodeSource, string[]]>([
    ['Java', { file: 'Dao.java', text: 'class Dao {\n  String q = "SELECT tier "\n    + "FROM " + TABLE + " WHERE id = ?";\n  static final String TABLE = "support_contract";\n}' }, ['Dao.java:2 Dao read', 'Dao.java:3 Dao read']],
    ['Python adjacent literals', { file: 'q.py', text: 'def q(cur):\n    cur.execute("UPDATE support_contract "\n                "SET tier = %s", ("gold",))' }, ['q.py:2 q write', 'q.py:3 q write']],
    ['Go', { file: 'q.go', text: 'package q\nfunc Q() string {\n\treturn "DELETE FROM " + "support_contract" + " WHERE tier = $1"\n}' }, ['q.go:3 Q read', 'q.go:3 Q write']],
  ])('%s', async (_, source, expected) => {
    const found = await accesses([source]);
    expect([...new Set(found.filter((a) => a.column === undefined || a.column === 'tier').map((a) => `${a.file}:${a.line} ${a.symbol} ${a.access}`))]).toEqual(expected);
  });
});

describe('scanCode on arbitrary text', () => {
  const token = fc.constantFrom('SELECT', 'tier', 'FROM', 'support_contract', 'UPDATE', 'SET', '=', '?', '${t}', '#{t}', '"', "'", '`', '(', ')', '{', '}', '.', ',', '+', '\n', ' ', 'class', 'def', 'SupportContract', 'knex', 'where', ':tier', '//', '#', '/*', '*/');
  const text = fc.array(token, { maxLength: 60 }).map((t) => t.join(''));
  const file = fc.constantFrom('a.ts', 'a.js', 'a.py', 'a.go', 'A.java', 'A.cs', 'a.rb', 'schema.prisma');

  it('never throws, and every access is on a line of its file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ file, text }), { minLength: 1, maxLength: 3 }), async (sources) => {
        const found = await scanCode(sources, { tables: ['support_contract'], schema });
        for (const a of found) {
          const source = sources.find((s) => s.file === a.file);
          expect(source).toBeDefined();
          expect(a.line).toBeGreaterThanOrEqual(1);
          expect(a.line).toBeLessThanOrEqual(source!.text.split('\n').length);
        }
      }),
      { numRuns: 150 },
    );
  });
});
