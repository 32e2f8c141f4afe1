import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeImportProblem, parseCsv, parseSignalExport } from './signal-import.js';

const NOW = new Date('2026-03-02T12:00:00Z');

describe('parseCsv', () => {
  it('handles quotes, doubled quotes, commas and line breaks in fields, and CRLF', () => {
    expect(parseCsv('a,b\r\n"x, y","he said ""hi""\nthen left"\r\n\r\n1,\n')).toEqual([['a', 'b'], ['x, y', 'he said "hi"\nthen left'], ['1', '']]);
  });

  it('reads back what a CSV writer wrote', () => {
    const cell = fc.string({ maxLength: 12 });
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 5 }), (rows) => {
        const csv = rows.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(',')).join('\r\n');
        expect(parseCsv(csv)).toEqual(rows);
      }),
    );
  });
});

describe('parseSignalExport', () => {
  it('maps the usual export columns', () => {
    const r = parseSignalExport('ticket_id,Created At,Organization,Requester,Subject,Description\n17,2026-03-01T09:30:00Z,acme,jo@acme.test,Wrong tier,"Shows Basic, we pay Premium"\n', 'csv', NOW);
    expect(r).toEqual({ ok: true, signals: [{ externalId: '17', at: new Date('2026-03-01T09:30:00Z'), tenant: 'acme', author: 'jo@acme.test', body: 'Wrong tier: Shows Basic, we pay Premium' }] });
  });

  it('reads JSON arrays or an object holding one, with Unix times', () => {
    const r = parseSignalExport(JSON.stringify({ messages: [{ text: 'end date is blank', ts: '1772445600', tenant: 'globex' }] }), 'json', NOW);
    expect(r.ok && r.signals[0]).toMatchObject({ body: 'end date is blank', tenant: 'globex', at: new Date(1772445600 * 1000) });
  });

  it('reports every bad record with its number', () => {
    const r = parseSignalExport('id,text,created_at\n1,,2026-03-01\n2,ok,yesterday\n', 'csv', NOW);
    expect(r).toEqual({ ok: false, problems: [expect.objectContaining({ record: 1, message: expect.stringContaining('no text') }), expect.objectContaining({ record: 2, message: expect.stringContaining('"yesterday" is not a time') })] });
    expect(parseSignalExport('{"a":1}', 'json', NOW).ok).toBe(false);
    expect(parseSignalExport('id,text\n1,a,b\n', 'csv', NOW)).toMatchObject({ ok: false, problems: [{ record: 1, line: 2 }] });
  });

  it('names the line a bad CSV record starts on, past quoted line breaks', () => {
    const csv = 'id,text,created_at\r\n1,"two\nlines",2026-03-01\r\n2,"three\nmore\nlines",2026-03-01\r\n3,fine,never\r\n4,a,b,c\n';
    const r = parseSignalExport(csv, 'csv', NOW);
    expect(r).toEqual({ ok: false, problems: [{ record: 4, line: 8, message: '4 fields where the header has 3; check the quoting' }] });
    const dated = parseSignalExport(csv.replace('4,a,b,c\n', ''), 'csv', NOW);
    expect(!dated.ok && dated.problems.map(describeImportProblem)).toEqual(['line 7 (record 3): "never" is not a time; use ISO 8601 (2026-03-02T10:00:00Z) or Unix seconds']);
  });

  it('names the line where JSON stops parsing, and the record of a bad JSON message', () => {
    const r = parseSignalExport('[\n  {"text": "a"},\n  {"text": "b"\n]', 'json', NOW);
    expect(!r.ok && r.problems[0]).toMatchObject({ record: 0, line: 4 });
    const bad = parseSignalExport('[{"text": "a"}, {"text": "b", "created_at": "soon"}]', 'json', NOW);
    expect(!bad.ok && bad.problems.map(describeImportProblem)).toEqual(['record 2: "soon" is not a time; use ISO 8601 (2026-03-02T10:00:00Z) or Unix seconds']);
  });
});
