import type { CodeModel } from './code-models.js';
import { camelCase } from './naming.js';

interface Token {
  text: string;
  line: number;
  string: boolean;
}

/** Prisma schema tokens: identifiers, strings, punctuation; `//` comments dropped. */
function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  for (const m of text.matchAll(/\/\/[^\n]*|"((?:[^"\\]|\\.)*)"|(@@|[A-Za-z_][\w.]*|[{}()[\]@,=?:]|\n)/g)) {
    if (m[0] === '\n') {
      out.push({ text: '\n', line, string: false });
      line++;
    } else if (m[1] !== undefined) out.push({ text: m[1], line, string: true });
    else if (m[2] !== undefined) out.push({ text: m[2], line, string: false });
  }
  return out;
}

/**
 * The models of a Prisma schema (`schema.prisma`): each model's table
 * (`@@map`, else the model name) and its scalar fields' columns (`@map`, else
 * the field name). Relation fields hold no column and are left out. The
 * Prisma Client delegate (`prisma.supportContract`) is listed as a name.
 *
 * @example prismaModels('schema.prisma', 'model SupportContract {\n  tier String?\n  @@map("support_contract")\n}')
 */
export function prismaModels(file: string, text: string): CodeModel[] {
  const tokens = tokenize(text);
  const blocks: { name: string; line: number; lines: Token[][] }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]?.text !== 'model' || tokens[i + 2]?.text !== '{' || !tokens[i + 1]) continue;
    const block = { name: tokens[i + 1]!.text, line: tokens[i]!.line, lines: [] as Token[][] };
    let current: Token[] = [];
    let depth = 0;
    for (i += 3; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t.text === '}' && !t.string && depth === 0) break;
      if (!t.string && (t.text === '(' || t.text === '[')) depth++;
      if (!t.string && (t.text === ')' || t.text === ']')) depth--;
      if (t.text === '\n' && !t.string && depth === 0) {
        if (current.length) block.lines.push(current);
        current = [];
      } else if (t.text !== '\n') current.push(t);
    }
    if (current.length) block.lines.push(current);
    blocks.push(block);
  }
  const modelNames = new Set(blocks.map((b) => b.name));
  return blocks.map((b) => {
    const model: CodeModel = { kind: 'prisma', names: [b.name, camelCase(b.name)], columns: new Map(), file, line: b.line, columnLines: [] };
    for (const line of b.lines) {
      const [first, second] = line;
      if (!first || first.string) continue;
      if (first.text === '@@') {
        if (line[1]?.text === 'map') model.table = line.find((t) => t.string)?.text;
        continue;
      }
      const type = second?.text ?? '';
      if (modelNames.has(type) || line.some((t, i) => t.text === '@' && line[i + 1]?.text === 'relation')) continue;
      const mapAt = line.findIndex((t, i) => t.text === '@' && line[i + 1]?.text === 'map');
      const column = mapAt >= 0 ? (line.slice(mapAt).find((t) => t.string)?.text ?? first.text) : first.text;
      model.columns!.set(first.text, column);
      model.columnLines.push({ column, line: first.line });
    }
    return model;
  });
}
