/** One message as imported, before it is classified and correlated. */
export interface SignalInput {
  /** The exporting system's id, so re-importing the same export adds nothing. */
  externalId?: string;
  at: Date;
  tenant?: string;
  author?: string;
  body: string;
}

export interface ImportProblem {
  /** 1-based record number (the CSV header is record 0). */
  record: number;
  /** 1-based line of the file where the record starts (CSV), or where JSON stops parsing. */
  line?: number;
  message: string;
}

/** "line 4 (record 3): …", for a person reading an import error. */
export function describeImportProblem(p: ImportProblem): string {
  const where = [p.line !== undefined ? `line ${p.line}` : '', p.record ? `record ${p.record}` : ''].filter(Boolean);
  return `${where.length === 2 ? `${where[0]} (${where[1]})` : (where[0] ?? '')}${where.length ? ': ' : ''}${p.message}`;
}

export type ImportResult = { ok: true; signals: SignalInput[] } | { ok: false; problems: ImportProblem[] };

/** Field names exports commonly use, per field, in order of preference. */
const FIELDS = {
  externalId: ['id', 'ticket_id', 'external_id', 'key', 'number'],
  at: ['at', 'created_at', 'createdat', 'created', 'timestamp', 'time', 'date', 'ts'],
  tenant: ['tenant', 'organization', 'organisation', 'org', 'account', 'company', 'customer'],
  author: ['author', 'requester', 'user', 'from', 'reporter', 'email'],
  body: ['body', 'text', 'message', 'description', 'comment', 'content'],
  subject: ['subject', 'title', 'summary'],
} as const;

/**
 * Parse CSV (RFC 4180: quoted fields may hold commas, quotes doubled, and
 * line breaks). Returns the records, the header first.
 */
export function parseCsv(text: string): string[][] {
  return parseCsvLines(text).map((r) => r.fields);
}

/** Records with the 1-based line each starts on (a quoted line break makes records and lines differ). */
function parseCsvLines(text: string): { fields: string[]; line: number }[] {
  const rows: { fields: string[]; line: number }[] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') {
        i++;
        line++;
      }
      row.push(field);
      if (row.length > 1 || row[0] !== '') rows.push({ fields: row, line: start });
      row = [];
      field = '';
      start = line;
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push({ fields: row, line: start });
  }
  return rows;
}

function pick(record: Record<string, unknown>, names: readonly string[]): string | undefined {
  const keys = new Map(Object.keys(record).map((k) => [k.toLowerCase().replace(/[\s-]+/g, '_'), k]));
  for (const n of names) {
    const k = keys.get(n);
    const v = k === undefined ? undefined : record[k];
    if (v !== undefined && v !== null && String(v).trim() !== '') return typeof v === 'object' ? JSON.stringify(v) : String(v).trim();
  }
  return undefined;
}

/** Objects from an export (CSV records or JSON objects) as signals; every record with a problem is reported. */
export function signalsFromRecords(records: Record<string, unknown>[], defaultAt: Date, lines?: number[]): ImportResult {
  const signals: SignalInput[] = [];
  const problems: ImportProblem[] = [];
  records.forEach((r, i) => {
    const at0 = lines?.[i] === undefined ? {} : { line: lines[i]! };
    const subject = pick(r, FIELDS.subject);
    const text = pick(r, FIELDS.body);
    const body = [subject, text].filter(Boolean).join(': ');
    if (!body) return problems.push({ record: i + 1, ...at0, message: `no text: name a column ${[...FIELDS.body, ...FIELDS.subject].join(', ')}` });
    const atText = pick(r, FIELDS.at);
    const at = atText === undefined ? defaultAt : new Date(/^\d{10}(\.\d+)?$/.test(atText) ? Number(atText) * 1000 : atText);
    if (Number.isNaN(at.getTime())) return problems.push({ record: i + 1, ...at0, message: `"${atText}" is not a time; use ISO 8601 (2026-03-02T10:00:00Z) or Unix seconds` });
    const externalId = pick(r, FIELDS.externalId);
    const tenant = pick(r, FIELDS.tenant);
    const author = pick(r, FIELDS.author);
    signals.push({ at, body, ...(externalId ? { externalId } : {}), ...(tenant ? { tenant } : {}), ...(author ? { author } : {}) });
  });
  return problems.length ? { ok: false, problems } : { ok: true, signals };
}

/**
 * Read an export: CSV with a header row, a JSON array of objects, or a JSON
 * object holding one (`{ "tickets": [...] }`, `{ "messages": [...] }`).
 */
export function parseSignalExport(text: string, format: 'csv' | 'json', defaultAt: Date): ImportResult {
  if (format === 'csv') {
    const [head, ...rows] = parseCsvLines(text.replace(/^\uFEFF/, ''));
    if (!head) return { ok: false, problems: [{ record: 0, line: 1, message: 'the file is empty; a CSV export needs a header row' }] };
    const header = head.fields;
    const bad = rows.flatMap((r, i) => (r.fields.length === header.length ? [] : [{ record: i + 1, line: r.line, message: `${r.fields.length} fields where the header has ${header.length}; check the quoting` }]));
    if (bad.length) return { ok: false, problems: bad };
    return signalsFromRecords(rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r.fields[i]]))), defaultAt, rows.map((r) => r.line));
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    // V8 names the offset ("at position 41"); a line is what a person can find.
    const pos = /position (\d+)/.exec(message);
    const line = pos ? text.slice(0, Number(pos[1])).split('\n').length : undefined;
    return { ok: false, problems: [{ record: 0, ...(line ? { line } : {}), message: `not JSON (${message})` }] };
  }
  const list = Array.isArray(data) ? data : typeof data === 'object' && data !== null ? Object.values(data).find(Array.isArray) : undefined;
  if (!list) return { ok: false, problems: [{ record: 0, message: 'expected an array of messages, or an object holding one' }] };
  const nonObject = list.findIndex((x: unknown) => typeof x !== 'object' || x === null || Array.isArray(x));
  if (nonObject >= 0) return { ok: false, problems: [{ record: nonObject + 1, message: 'each message must be an object with fields such as text, created_at, tenant' }] };
  return signalsFromRecords(list as Record<string, unknown>[], defaultAt);
}
