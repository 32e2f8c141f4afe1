/** Terminal output: colour only on a TTY without NO_COLOR, progress that degrades to plain lines. */
export interface Output {
  color: boolean;
  tty: boolean;
  out(line?: string): void;
  err(line?: string): void;
}

export function createOutput(options: { color?: boolean } = {}): Output {
  const tty = !!process.stdout.isTTY;
  const color = options.color ?? (tty && !process.env.NO_COLOR && process.env.TERM !== 'dumb');
  return {
    color,
    tty,
    out: (line = '') => process.stdout.write(`${line}\n`),
    err: (line = '') => process.stderr.write(`${line}\n`),
  };
}

const codes = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1, dim: 2 } as const;
export type Style = keyof typeof codes;

export function paint(o: { color: boolean }, style: Style, text: string): string {
  return o.color ? `\u001b[${codes[style]}m${text}\u001b[0m` : text;
}

/** `12.3k rows/s`, `1.2M`. */
export function compact(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

export function seconds(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;
}

/**
 * A progress bar on a TTY (redrawn in place, on stderr), plain lines at most
 * every few seconds otherwise, so logs stay readable.
 */
export class Progress {
  private lastPlain = 0;
  private drawn = false;

  constructor(
    private readonly o: Output,
    private readonly label: string,
    private readonly plainEveryMs = 5_000,
  ) {}

  update(done: number, total: number, detail: string): void {
    const pct = total > 0 ? Math.min(100, (done / total) * 100) : 100;
    if (this.o.tty) {
      const width = 24;
      const filled = Math.round((pct / 100) * width);
      const bar = paint(this.o, 'cyan', '█'.repeat(filled)) + paint(this.o, 'gray', '░'.repeat(width - filled));
      process.stderr.write(`\r  ${this.label} ${bar} ${pct.toFixed(0).padStart(3)}%  ${detail}\u001b[K`);
      this.drawn = true;
    } else if (Date.now() - this.lastPlain >= this.plainEveryMs) {
      this.lastPlain = Date.now();
      this.o.err(`  ${this.label} ${pct.toFixed(0)}%  ${detail}`);
    }
  }

  finish(summary: string): void {
    if (this.drawn) process.stderr.write('\r\u001b[K');
    this.o.err(`  ${this.label} ${summary}`);
  }
}
