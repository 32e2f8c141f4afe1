import type { Clock } from '@switchback/engine';

/** A clock that only moves when told to (or by what a sleeper waits), so weeks pass in milliseconds. */
export class FakeClock implements Clock {
  private t: number;
  constructor(start: Date = new Date()) {
    this.t = start.getTime();
  }
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): Date {
    this.t += ms;
    return this.now();
  }
  /** Sleeping moves time forward by `ms` at once, and yields to other work. */
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return;
    this.t += ms;
    await new Promise((r) => setImmediate(r));
  }
}
