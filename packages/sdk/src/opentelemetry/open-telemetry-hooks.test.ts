import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlagClient } from '../flags/flag-client.js';
import { DbMismatchReporter } from '../migration/db-mismatch-reporter.js';
import { Migration } from '../migration/migration.js';
import { DEFAULT_LATENCY_BOUNDARIES_S, openTelemetryHooks } from './index.js';

const CHANGE = 'move-contract-details';
const READ = 'ReadContractDetailsFromCustomer';

/** A reader the test collects from on demand. */
class TestReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Every data point of `name` whose attributes include `attrs`. */
async function points(reader: TestReader, name: string, attrs: Record<string, string>): Promise<Array<DataPoint<unknown>>> {
  const { resourceMetrics } = await reader.collect();
  const metric = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name);
  return (metric?.dataPoints ?? []).filter((d) => Object.entries(attrs).every(([k, v]) => d.attributes[k] === v)) as Array<DataPoint<unknown>>;
}
const sum = async (reader: TestReader, name: string, attrs: Record<string, string>): Promise<number | undefined> => {
  const found = await points(reader, name, attrs);
  return found.length === 1 ? (found[0]!.value as number) : undefined;
};

const contextManager = new AsyncLocalStorageContextManager();
beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
});
afterAll(() => {
  contextManager.disable();
  context.disable();
});

/** A FlagClient at read-switch: tenant acme reads new (live), everyone else old (shadow). */
async function setUp(fail: { load?: boolean } = {}) {
  const reader = new TestReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const otel = openTelemetryHooks({ meter: meterProvider.getMeter('test'), tracer: tracerProvider.getTracer('test') });
  let down = false;
  const flags = await FlagClient.fromSource(
    {
      load: async () => {
        if (down) throw new Error('down');
        return {
          flags: new Map([[READ, { name: READ, enabled: true, rolloutBps: 0, allowTenants: ['acme'], version: 1 }]]),
          phases: new Map([[CHANGE, 'read-switch']]),
          loadedAt: new Date(),
        };
      },
    },
    { pollMs: 60_000, hooks: otel.flags },
  );
  down = fail.load === true;
  return { reader, spans, otel, flags };
}

describe('openTelemetryHooks', () => {
  it('records the same measurements as the Prometheus adapter, with their values', async () => {
    const { reader, otel, flags } = await setUp({ load: true });
    await flags.refresh(); // fails: one 'error' refresh
    const reporter = new DbMismatchReporter({ query: async () => ({ rows: [] }) }, { maxPerSecond: 1, now: () => 0, onDrop: otel.onDrop });
    const m = new Migration({ flags, change: CHANGE, sync: 'app', readFlag: READ, dualWriteFlag: 'Dual', reporter, hooks: otel.migration });
    await m.read({ key: 'a', tenant: 'acme' }, { old: async () => 1, new: async () => 2 }); // live, mismatch
    await m.read({ key: 'b', tenant: 'acme' }, { old: async () => 1, new: async () => 3 }); // mismatch, report dropped
    await m.read({ key: 'c' }, { old: async () => 1, new: async () => { throw new Error('x'); } }); // shadow, new fails
    await m.read({ key: 'd' }, { old: async () => 1, new: async () => 1 }); // shadow, equal
    await m.settled();
    await reporter.close();
    await flags.close();

    expect(await sum(reader, 'switchback.flag.evaluations', { flag: READ, reason: 'allow-list', value: 'true' })).toBe(2);
    expect(await sum(reader, 'switchback.flag.evaluations', { flag: READ, reason: 'outside-rollout', value: 'false' })).toBe(2);
    expect(await sum(reader, 'switchback.flag.refreshes', { outcome: 'ok' })).toBe(1);
    expect(await sum(reader, 'switchback.flag.refreshes', { outcome: 'error' })).toBe(1);
    expect(await sum(reader, 'switchback.shadow.compares', { change: CHANGE })).toBe(3);
    expect(await sum(reader, 'switchback.shadow.mismatches', { change: CHANGE })).toBe(2);
    expect(await sum(reader, 'switchback.migration.side.errors', { change: CHANGE, op: 'read', side: 'new' })).toBe(1);
    expect(await sum(reader, 'switchback.migration.side.errors', { change: CHANGE, op: 'read', side: 'old' })).toBeUndefined();
    expect(await sum(reader, 'switchback.mismatch.reports.dropped', { flag: READ })).toBe(1);

    const oldOk = await points(reader, 'switchback.migration.side.duration', { change: CHANGE, op: 'read', side: 'old', outcome: 'ok' });
    const newFailed = await points(reader, 'switchback.migration.side.duration', { change: CHANGE, op: 'read', side: 'new', outcome: 'error' });
    const h = oldOk[0]!.value as Histogram;
    expect(h.count).toBe(4);
    expect(h.sum).toBeGreaterThanOrEqual(0);
    expect(h.buckets.boundaries).toEqual(DEFAULT_LATENCY_BOUNDARIES_S);
    expect((newFailed[0]!.value as Histogram).count).toBe(1);
  });

  it('records side latency in seconds', async () => {
    const { reader, otel, flags } = await setUp();
    const m = new Migration({ flags, change: CHANGE, sync: 'app', readFlag: READ, dualWriteFlag: 'Dual', hooks: otel.migration });
    await m.read({ key: 'a' }, { old: () => new Promise((r) => setTimeout(() => r(1), 30)), new: async () => 1 });
    await flags.close();
    const [old] = await points(reader, 'switchback.migration.side.duration', { side: 'old' });
    const h = old!.value as Histogram;
    expect(h.sum).toBeGreaterThanOrEqual(0.025); // 30 ms, not 30 units
    expect(h.sum).toBeLessThan(30);
  });

  it('runs every side call inside a span of its own, active while it runs, with errors recorded', async () => {
    const { spans, otel, flags } = await setUp();
    const m = new Migration({ flags, change: CHANGE, sync: 'app', readFlag: READ, dualWriteFlag: 'Dual', hooks: otel.migration });
    const seen: Array<string | undefined> = [];
    const activeSpanId = () => trace.getActiveSpan()?.spanContext().spanId;
    await m.read({ key: 'a' }, {
      old: async () => (seen.push(activeSpanId()), 1),
      new: async () => { seen.push(activeSpanId()); throw new Error('new side down'); },
    });
    await m.settled();
    await m.write({ key: 'a' }, { old: async () => void seen.push(activeSpanId()), new: async () => {} });
    await flags.close();

    const finished = spans.getFinishedSpans();
    const brief = finished.map((s) => `${s.name} ${String(s.attributes['switchback.side'])} ${s.status.code === 2 ? 'error' : 'ok'}`).sort();
    expect(brief).toEqual(['switchback.migration.read new error', 'switchback.migration.read old ok', 'switchback.migration.write old ok']);
    expect(finished.every((s) => s.attributes['switchback.change'] === CHANGE)).toBe(true);
    const failed = finished.find((s) => s.status.code === 2)!;
    expect(failed.status.message).toBe('new side down');
    expect(failed.events.map((e) => e.name)).toEqual(['exception']);
    // Each side saw its own span as the active one (so a database span would nest under it).
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(3);
    expect(seen.every((id) => finished.some((s) => s.spanContext().spanId === id))).toBe(true);
  });

  it('without a tracer, records metrics and no spans', async () => {
    const reader = new TestReader();
    const otel = openTelemetryHooks({ meter: new MeterProvider({ readers: [reader] }).getMeter('test'), prefix: 'app.' });
    expect(otel.migration.wrapSide).toBeUndefined();
    otel.migration.onCompare?.({ change: CHANGE, flag: READ, equal: false });
    expect(await sum(reader, 'app.shadow.mismatches', { change: CHANGE })).toBe(1);
  });
});
