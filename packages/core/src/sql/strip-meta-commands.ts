/**
 * Blanks psql meta-command lines (`\set`, `\connect`, `\i file`…) that the
 * server's parser does not understand. Every character becomes as many spaces
 * as it has UTF-8 bytes, so byte offsets and line numbers stay unchanged.
 *
 * Only lines that start with a backslash (after indentation) outside a
 * dollar-quoted body are blanked; a `\` inside a function body is left alone.
 *
 * @example stripMetaCommands('\\set ON_ERROR_STOP on\nSELECT 1;')
 */
export function stripMetaCommands(text: string): string {
  const lines = text.split('\n');
  let dollarTag: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (dollarTag === null && /^\s*\\/.test(line)) {
      lines[i] = blank(line);
      continue;
    }
    dollarTag = trackDollarQuotes(line, dollarTag);
  }
  return lines.join('\n');
}

function blank(line: string): string {
  let out = '';
  for (const ch of line) out += ch === '\r' ? '\r' : ' '.repeat(Buffer.byteLength(ch, 'utf8'));
  return out;
}

const DOLLAR = /\$([A-Za-z_][A-Za-z0-9_]*)?\$/g;

/** The dollar-quote tag still open at the end of the line, ignoring `--` comments outside bodies. */
function trackDollarQuotes(line: string, open: string | null): string | null {
  let tag = open;
  const code = tag === null ? line.replace(/--.*$/, '') : line;
  for (const m of code.matchAll(DOLLAR)) {
    if (tag === null) tag = m[0];
    else if (m[0] === tag) tag = null;
  }
  return tag;
}
