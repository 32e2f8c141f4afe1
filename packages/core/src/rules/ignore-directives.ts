/** A `-- switchback:ignore rule-id reason` comment. */
export interface IgnoreDirective {
  line: number;
  rules: string[];
  reason: string;
}

const DIRECTIVE = /^\s*--\s*switchback:ignore\s+([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)\s*(.*)$/;
const MENTION = /^\s*--\s*switchback:ignore\b/;

/**
 * The ignore comments directly above a statement line: the line before it,
 * and the comment lines of that block above it.
 *
 * @example ignoresAbove(['-- switchback:ignore drop-table archived', 'DROP TABLE t;'], 2)
 */
export function ignoresAbove(lines: readonly string[], statementLine: number): IgnoreDirective[] {
  const out: IgnoreDirective[] = [];
  for (let line = statementLine - 1; line >= 1; line--) {
    const text = lines[line - 1] ?? '';
    if (!MENTION.test(text)) break;
    const m = DIRECTIVE.exec(text);
    out.push({ line, rules: m?.[1]?.split(',').map((r) => r.trim()) ?? [], reason: m?.[2]?.trim() ?? '' });
  }
  return out;
}
