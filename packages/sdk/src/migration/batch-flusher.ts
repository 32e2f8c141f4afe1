/** Settings for {@link BatchFlusher}. */
export interface BatchFlusherOptions {
  /** Longest buffered data waits before the timer starts a flush. */
  delayMs: number;
  /**
   * Takes everything buffered and returns the write that stores it, or
   * undefined when nothing is buffered. Runs synchronously, so data recorded
   * while the write runs goes to the next batch.
   */
  take: () => (() => Promise<unknown>) | undefined;
  /** Told about a failed write; that batch is gone. */
  onError: (error: unknown) => void;
  /**
   * Writes allowed in flight at once. At the limit the timer waits another
   * `delayMs` and the data stays buffered, so a database that hangs holds
   * back one batch, not one per interval. Default: no limit.
   */
  maxInFlight?: number;
}

/**
 * The batching the SDK's database reporters share: a timer that starts a
 * flush at most `delayMs` after data is buffered (no timer while idle),
 * writes that run in the background and never reject (a failure goes to
 * `onError`, and a throwing `onError` is ignored), and a `flush()` that
 * waits for every write in progress.
 *
 * @example
 * const flusher = new BatchFlusher({ delayMs: 500, onError, take: () => (buffer.length ? write(buffer.splice(0)) : undefined) });
 * buffer.push(item);
 * flusher.schedule();
 */
export class BatchFlusher {
  private timer: NodeJS.Timeout | undefined;
  private readonly writes = new Set<Promise<void>>();
  private readonly maxInFlight: number;

  constructor(private readonly o: BatchFlusherOptions) {
    this.maxInFlight = Math.max(1, o.maxInFlight ?? Infinity);
  }

  /** Writes started and not yet settled. */
  get inFlight(): number {
    return this.writes.size;
  }

  /** Arms the timer unless it already is: a flush starts within `delayMs`. */
  schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.writes.size >= this.maxInFlight) this.schedule();
      else this.start();
    }, this.o.delayMs);
    this.timer.unref();
  }

  /** Writes everything buffered (after a slot frees up) and waits for every write in progress. Never rejects. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    // Before the first await this runs synchronously: with a free slot the write starts at once.
    while (this.writes.size >= this.maxInFlight) await Promise.race(this.writes);
    this.start();
    await Promise.all(this.writes);
  }

  private start(): void {
    const write = this.o.take();
    if (write === undefined) return;
    const running = this.run(write);
    this.writes.add(running);
    void running.finally(() => this.writes.delete(running));
  }

  private async run(write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (error) {
      try {
        this.o.onError(error);
      } catch {
        // A throwing onError must not become an unhandled rejection.
      }
    }
  }
}
