import { beforeAll, describe, expect, it } from 'vitest';
import { loadSqlParser, parseSql } from '../sql/parse-sql.js';
import { viewColumns } from './view-columns.js';

beforeAll(() => loadSqlParser());

const columnsOf = (sql: string) => {
  const r = parseSql('v.sql', sql);
  if (!r.ok) throw new Error(r.error.message);
  return viewColumns(r.file.statements[0]!.node);
};

describe('viewColumns', () => {
  it.each([
    ['plain columns', 'CREATE VIEW v AS SELECT id, name FROM t', ['id', 'name']],
    ['aliases and qualified names', 'CREATE VIEW v AS SELECT t.id, name AS label FROM t', ['id', 'label']],
    ['a column list wins', 'CREATE VIEW v (a, b) AS SELECT id, name FROM t', ['a', 'b']],
    ['a partial column list', 'CREATE VIEW v (a) AS SELECT id, name FROM t', ['a', 'name']],
    ['function and cast names', 'CREATE VIEW v AS SELECT count(*), id::text, 1 + 1 FROM t', ['count', 'id', '?column?']],
    ['a UNION takes the first branch', 'CREATE VIEW v AS SELECT id FROM a UNION SELECT other FROM b', ['id']],
    ['* is unknown', 'CREATE VIEW v AS SELECT * FROM t', undefined],
    ['t.* is unknown', 'CREATE VIEW v AS SELECT t.*, 1 AS x FROM t', undefined],
  ])('%s', (_, sql, expected) => expect(columnsOf(sql)).toEqual(expected));
});
