import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareVersions, detectLayout, listMigrations, type DrizzleJournal, type MigrationLayout } from './migration-layout.js';

interface LayoutCase {
  name: string;
  files: string[];
  journal?: DrizzleJournal;
  layout: MigrationLayout;
  order: string[];
  skipped?: string[];
}

const cases: LayoutCase[] = [
  { name: 'plain SQL by number', files: ['0010_c.sql', '0002_b.sql', '0001_a.sql', 'README.md'], layout: 'plain', order: ['0001_a.sql', '0002_b.sql', '0010_c.sql'] },
  { name: 'plain SQL with .down.sql reversals beside it', files: ['2_b.sql', '1_a.sql', '1_a.down.sql'], layout: 'plain', order: ['1_a.sql', '2_b.sql'] },
  { name: 'plain SQL without numbers by name', files: ['b.sql', 'a.sql'], layout: 'plain', order: ['a.sql', 'b.sql'] },
  {
    name: 'Flyway: 1.10 after 1.9, repeatables last, undo skipped',
    files: ['V1.10__d.sql', 'R__views.sql', 'V1.9__c.sql', 'V1__a.sql', 'V1.1__b.sql', 'U1.1__b.sql', 'V2__e.sql', 'R__after.sql'],
    layout: 'flyway',
    order: ['V1__a.sql', 'V1.1__b.sql', 'V1.9__c.sql', 'V1.10__d.sql', 'V2__e.sql', 'R__after.sql', 'R__views.sql'],
    skipped: ['U1.1__b.sql'],
  },
  { name: 'Flyway: underscore versions and V10 after V9', files: ['V10__x.sql', 'V9__y.sql', 'V1_2__z.sql'], layout: 'flyway', order: ['V1_2__z.sql', 'V9__y.sql', 'V10__x.sql'] },
  {
    name: 'golang-migrate: ups in order, downs skipped',
    files: ['10_c.up.sql', '10_c.down.sql', '2_b.up.sql', '2_b.down.sql', '1_a.up.sql', '1_a.down.sql'],
    layout: 'golang-migrate',
    order: ['1_a.up.sql', '2_b.up.sql', '10_c.up.sql'],
    skipped: ['10_c.down.sql', '2_b.down.sql', '1_a.down.sql'],
  },
  {
    name: 'Prisma: <timestamp>_name/migration.sql',
    files: ['migration_lock.toml', '20240201000000_two/migration.sql', '20240101000000_one/migration.sql'],
    layout: 'prisma',
    order: ['20240101000000_one/migration.sql', '20240201000000_two/migration.sql'],
  },
  {
    name: 'Drizzle: journal order wins over names',
    files: ['0000_zeta.sql', '0001_alpha.sql', 'meta/_journal.json', 'meta/0000_snapshot.json'],
    journal: { entries: [{ idx: 1, tag: '0001_alpha' }, { idx: 0, tag: '0000_zeta' }] },
    layout: 'drizzle',
    order: ['0000_zeta.sql', '0001_alpha.sql'],
  },
  {
    name: 'Drizzle: a journal entry without its file is reported',
    files: ['0000_a.sql', 'meta/_journal.json'],
    journal: { entries: [{ idx: 0, tag: '0000_a' }, { idx: 1, tag: '0001_gone' }] },
    layout: 'drizzle',
    order: ['0000_a.sql'],
    skipped: ['0001_gone.sql'],
  },
  {
    name: 'node-pg-migrate: SQL by timestamp, JavaScript not checkable',
    files: ['1700000000001_b.sql', '1700000000000_a.sql', '1700000000002_c.js', '1700000000003_d.ts'],
    layout: 'node-pg-migrate',
    order: ['1700000000000_a.sql', '1700000000001_b.sql'],
    skipped: ['1700000000002_c.js', '1700000000003_d.ts'],
  },
  {
    name: 'Rails-style timestamps, Ruby migrations not checkable',
    files: ['20240102000000_b.sql', '20240101120000_a.sql', '20240103000000_c.rb'],
    layout: 'rails',
    order: ['20240101120000_a.sql', '20240102000000_b.sql'],
    skipped: ['20240103000000_c.rb'],
  },
];

describe('listMigrations', () => {
  it.each(cases)('$name', (c) => {
    const listing = listMigrations({ files: c.files, ...(c.journal ? { journal: c.journal } : {}) });
    expect(listing.layout).toBe(c.layout);
    expect(listing.migrations.map((m) => m.path)).toEqual(c.order);
    expect(listing.skipped.map((s) => s.path).sort()).toEqual([...(c.skipped ?? [])].sort());
    for (const s of listing.skipped) expect(s.reason.length).toBeGreaterThan(10);
  });

  it('takes a configured layout over detection', () => {
    expect(listMigrations({ files: ['V1__a.sql', '0001_b.sql'], layout: 'plain' }).migrations.map((m) => m.path)).toEqual(['0001_b.sql', 'V1__a.sql']);
  });

  it('detects mixed timestamp widths as plain', () => {
    expect(detectLayout(['1_a.sql', '20240101120000_b.sql'], false)).toBe('plain');
  });
});

describe('compareVersions', () => {
  it.each([
    ['1.9', '1.10', -1],
    ['2', '10', -1],
    ['1', '1.0', 0],
    ['20240101120000', '20240101120001', -1],
    ['1_2', '1.1', 1],
  ])('%s vs %s', (a, b, expected) => expect(Math.sign(compareVersions(a, b))).toBe(expected));

  it('orders dotted versions like their number tuples', () => {
    const version = fc.array(fc.nat({ max: 50 }), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(version, version, (a, b) => {
        const tuple = (x: number[], y: number[]) => {
          for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) < (y[i] ?? 0) ? -1 : 1;
          return 0;
        };
        expect(Math.sign(compareVersions(a.join('.'), b.join('.')))).toBe(tuple(a, b));
      }),
    );
  });
});
