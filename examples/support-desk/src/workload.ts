import { TENANTS, TIERS } from './schema.js';
import type { SupportDeskApp } from './support-desk-app.js';
import type { ContractDetails } from './sql.js';

export interface WorkloadStats {
  version: string;
  attempted: number;
  committed: number;
  reads: number;
  /** Failed operations, with the first few messages. */
  errors: number;
  errorSamples: string[];
  /** Reads that did not return what this workload last committed for that customer. */
  staleReads: number;
  staleSamples: string[];
}

/**
 * A simulated app instance: updates contracts, creates customers and reads
 * them back, remembering every committed write so nothing lost goes unseen.
 * Each workload owns its customers (`owns`), so "the last committed value" is
 * well defined even with true concurrency.
 */
export class Workload {
  readonly expected = new Map<number, ContractDetails & { tenant: string }>();
  readonly stats: WorkloadStats;
  private running = false;
  private loop?: Promise<void>;
  private seq = 0;

  constructor(
    readonly app: SupportDeskApp,
    private readonly o: { owns: (id: number) => boolean; existing: number; pauseMs?: number; random?: () => number },
  ) {
    this.stats = { version: app.version, attempted: 0, committed: 0, reads: 0, errors: 0, errorSamples: [], staleReads: 0, staleSamples: [] };
  }

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        await this.step();
        await new Promise((r) => setTimeout(r, this.o.pauseMs ?? 1));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private rnd(): number {
    return (this.o.random ?? Math.random)();
  }

  private pickOwned(): number {
    const known = [...this.expected.keys()];
    if (known.length && this.rnd() < 0.5) return known[Math.floor(this.rnd() * known.length)]!;
    for (;;) {
      const id = 1 + Math.floor(this.rnd() * this.o.existing);
      if (this.o.owns(id)) return id;
    }
  }

  private details(): ContractDetails {
    this.seq++;
    const day = 1 + (this.seq % 28);
    return { tier: TIERS[Math.floor(this.rnd() * TIERS.length)]!, endDate: `2028-${String(1 + (this.seq % 12)).padStart(2, '0')}-${String(day).padStart(2, '0')}` };
  }

  /** One operation: 50% update, 10% create, 40% read-back. */
  async step(): Promise<void> {
    const r = this.rnd();
    try {
      if (r < 0.5) {
        const id = this.pickOwned();
        const tenant = this.expected.get(id)?.tenant ?? TENANTS[id % TENANTS.length]!;
        const d = this.details();
        this.stats.attempted++;
        await this.app.writer.update(id, tenant, d);
        this.stats.committed++;
        this.expected.set(id, { ...d, tenant });
      } else if (r < 0.6) {
        const tenant = TENANTS[Math.floor(this.rnd() * TENANTS.length)]!;
        const d = this.details();
        this.stats.attempted++;
        const id = await this.app.writer.createCustomer({ tenant, contactName: 'New contact', companyName: 'New company', ...d });
        this.stats.committed++;
        this.expected.set(id, { ...d, tenant });
      } else if (this.expected.size) {
        const ids = [...this.expected.keys()];
        const id = ids[Math.floor(this.rnd() * ids.length)]!;
        const want = this.expected.get(id)!;
        this.stats.reads++;
        const got = await this.app.reader.get(id, want.tenant);
        if (!got || got.tier !== want.tier || got.endDate !== want.endDate) {
          this.stats.staleReads++;
          if (this.stats.staleSamples.length < 5) this.stats.staleSamples.push(`customer ${id}: wrote ${want.tier}/${want.endDate}, read ${got?.tier}/${got?.endDate}`);
        }
      }
    } catch (e) {
      this.stats.errors++;
      if (this.stats.errorSamples.length < 5) this.stats.errorSamples.push(e instanceof Error ? e.message : String(e));
    }
  }
}
