/** A 1-based line and column; the column counts characters (code points), not bytes. */
export interface Position {
  line: number;
  column: number;
}

/**
 * Maps UTF-8 byte offsets (what libpg-query reports) to lines and columns.
 * Built once per file; each lookup is a binary search plus a short line slice,
 * so mapping every statement of a file stays linear in its size.
 *
 * @example new PositionMap('SELECT 1;\nSELECT 2;').at(10) // { line: 2, column: 1 }
 */
export class PositionMap {
  private readonly bytes: Buffer;
  /** Byte offset where each line starts. */
  private readonly lineStarts: number[] = [0];

  constructor(text: string) {
    this.bytes = Buffer.from(text, 'utf8');
    for (let i = 0; i < this.bytes.length; i++) if (this.bytes[i] === 0x0a) this.lineStarts.push(i + 1);
  }

  /** Position of a byte offset (clamped to the text). */
  at(byteOffset: number): Position {
    const offset = Math.max(0, Math.min(byteOffset, this.bytes.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    const start = this.lineStarts[lo] ?? 0;
    const column = [...this.bytes.subarray(start, offset).toString('utf8')].length + 1;
    return { line: lo + 1, column };
  }

  /** The source text between two byte offsets. */
  slice(from: number, to: number): string {
    return this.bytes.subarray(from, to).toString('utf8');
  }
}

/** Position of a 0-based code-point index (what libpg-query's error cursor counts). */
export function positionOfCharIndex(text: string, index: number): Position {
  let line = 1;
  let column = 1;
  let i = 0;
  for (const ch of text) {
    if (i++ >= index) break;
    if (ch === '\n') {
      line++;
      column = 1;
    } else column++;
  }
  return { line, column };
}
