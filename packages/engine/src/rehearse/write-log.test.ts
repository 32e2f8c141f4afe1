import { describe, expect, it } from 'vitest';
import type { CatalogTable } from './rehearsal-catalog.js';
import { recordOf, WriteLog } from './write-log.js';

const table = (name: string): CatalogTable => ({ name, sql: `"${name}"`, columns: [], primaryKey: ['id'], foreignKeys: [], unique: [] });
const write = (t: string, id: string, score: string) => recordOf(table(t), { id, score }, ['score'], `UPDATE ${t} …`, false);

describe('WriteLog', () => {
  it('a newer write to the same row of a split supersedes the older one made through the other table', () => {
    const log = new WriteLog([['item_split', 'item']]);
    log.record([write('item', '45', '1')]);
    log.record([write('item_split', '45', '2')]);
    expect(log.all().map((r) => `${r.table} ${r.key.id} ${r.values!.score}`)).toEqual(['item_split 45 2']);
  });

  it('without a split, rows of two tables with the same key are separate rows', () => {
    const log = new WriteLog();
    log.record([write('item', '45', '1')]);
    log.record([write('item_split', '45', '2')]);
    expect(log.all()).toHaveLength(2);
    expect(log.committed).toBe(2);
  });
});
