import { FlagClient, Migration, DbMetricsReporter, DbMismatchReporter, startHeartbeat, type DbMetricsReporterOptions } from '@switchback/sdk';
import { ContractWriter } from './contracts/contract-writer.js';
import { SupportCustomerReader } from './customers/support-customer-reader.js';
import type { AppDb } from './sql.js';

export const APP_NAME = 'support-desk';

export interface SupportDeskOptions {
  db: AppDb;
  /** '1' reads and writes support_contract; '2' goes through the migration helper. */
  version: '1' | '2';
  schema?: string;
  change?: string;
  sync?: 'trigger' | 'app';
  pollMs?: number;
  /** Settings of the per-side metrics written for the watcher's gates (window, clock). */
  metrics?: Pick<DbMetricsReporterOptions, 'flushMs' | 'now'>;
}

/** One running instance of the support desk, at a version. */
export class SupportDeskApp {
  readonly reader: SupportCustomerReader;
  readonly writer: ContractWriter;

  private constructor(
    readonly version: '1' | '2',
    private readonly parts: { flags?: FlagClient; reporter?: DbMismatchReporter; metrics?: DbMetricsReporter; migration?: Migration; heartbeat: { stop(): Promise<void> } },
    db: AppDb,
    schema: string | undefined,
  ) {
    const common = { ...(schema ? { schema } : {}), ...(parts.migration ? { migration: parts.migration } : {}) };
    this.reader = new SupportCustomerReader(db, common);
    this.writer = new ContractWriter(db, common);
  }

  static async start(o: SupportDeskOptions): Promise<SupportDeskApp> {
    const heartbeat = await startHeartbeat(o.db, { app: APP_NAME, version: o.version, intervalMs: 1_000 });
    if (o.version === '1') return new SupportDeskApp('1', { heartbeat }, o.db, o.schema);
    const flags = await FlagClient.start(o.db, { pollMs: o.pollMs ?? 1_000 });
    const reporter = new DbMismatchReporter(o.db);
    const metrics = new DbMetricsReporter(o.db, { ...o.metrics, appVersion: o.version, instanceId: heartbeat.instanceId });
    const migration = new Migration({
      flags,
      change: o.change ?? '0001-contract-into-customer',
      sync: o.sync ?? 'trigger',
      readFlag: 'ReadContractDetailsFromCustomer',
      dualWriteFlag: 'DualWriteContractDetails',
      reporter,
      metrics,
      appVersion: o.version,
    });
    return new SupportDeskApp('2', { flags, reporter, metrics, migration, heartbeat }, o.db, o.schema);
  }

  get migration(): Migration | undefined {
    return this.parts.migration;
  }

  /** The per-side metrics of version 2 (flush them to make the watcher see them now). */
  get metrics(): DbMetricsReporter | undefined {
    return this.parts.metrics;
  }

  /** Pick up flag and phase changes now instead of at the next poll. */
  async refresh(): Promise<void> {
    await this.parts.flags?.refresh();
  }

  async stop(): Promise<void> {
    await this.parts.migration?.settled();
    await this.parts.reporter?.close();
    await this.parts.metrics?.stop();
    await this.parts.flags?.close();
    await this.parts.heartbeat.stop();
  }
}
