import type { Plan } from '../plan/plan.js';
import { literal } from '../util/sql.js';

/** One query a dashboard panel runs. */
export interface DashboardQuery {
  id: string;
  title: string;
  /** What it shows and how to read it. */
  description: string;
  query: string;
}

export interface Dashboards {
  change: string;
  /** SQL against the application database (the ledger lives there too). */
  sql: DashboardQuery[];
  /** PromQL over the SDK's metrics (`prometheusMetrics` in @switchback/sdk). */
  promql: DashboardQuery[];
  /** An importable Grafana dashboard (Dashboards → New → Import). */
  grafana: Record<string, unknown>;
}

/** A PromQL string literal. */
function prom(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Grafana's time-range macro, or a fixed hour for a terminal. */
type TimeFilter = (column: string) => string;
const LAST_HOUR: TimeFilter = (c) => `${c} > now() - interval '1 hour'`;
const GRAFANA: TimeFilter = (c) => `$__timeFilter(${c})`;

function sqlQueries(plan: Plan, within: TimeFilter): DashboardQuery[] {
  const change = literal(plan.change);
  const readFlag = plan.phases.find((p) => p.rollout)?.rollout?.flag;
  const parity = plan.phases.flatMap((p) => [...p.gates, ...p.verify]).find((g) => g.kind === 'query-empty' && g.id === 'parity');
  const out: DashboardQuery[] = [];
  if (parity && parity.kind === 'query-empty') {
    out.push({ id: 'parity', title: 'Rows that differ between old and new', description: 'Rows whose new shape does not (yet) hold what the old one does: missing rows and lag both show here. 0 once the sync and backfill are complete.', query: `SELECT count(*) AS differing FROM (\n${parity.sql.trim().replace(/;$/, '')}\n) AS d` });
  }
  if (readFlag) {
    const flag = literal(readFlag);
    out.push(
      { id: 'mismatches', title: 'Shadow-read mismatches per minute', description: 'Reads whose old and new values differed, as the SDK reported them (rate-limited samples).', query: `SELECT date_trunc('minute', at) AS time, count(*) AS mismatches FROM switchback.shadow_mismatches\n WHERE flag = ${flag} AND ${within('at')}\n GROUP BY 1 ORDER BY 1` },
      { id: 'mismatch-rate', title: 'Shadow-read mismatch rate', description: 'Mismatches over comparisons per minute; the watcher rolls back above its policy threshold.', query: `SELECT window_start AS time, sum(mismatches)::float8 / nullif(sum(compares), 0) AS mismatch_rate FROM switchback.shadow_compares\n WHERE flag = ${flag} AND ${within('window_start')}\n GROUP BY 1 ORDER BY 1` },
      { id: 'rollout', title: 'Read flag rollout', description: `${readFlag}: the share of rows served from the new shape.`, query: `SELECT CASE WHEN enabled THEN rollout_bps / 100.0 ELSE 0 END AS percent, cardinality(allow_tenants) AS allow_listed_tenants FROM switchback.flags WHERE name = ${flag}` },
    );
  }
  out.push(
    { id: 'error-rate', title: 'Error rate per side', description: 'Failed reads and writes over calls, old and new side, from the SDK.', query: `SELECT window_start AS time, side, sum(errors)::float8 / nullif(sum(calls), 0) AS error_rate FROM switchback.side_metrics\n WHERE change_id = ${change} AND ${within('window_start')}\n GROUP BY 1, 2 ORDER BY 1` },
    { id: 'latency', title: 'Mean latency per side (ms)', description: 'Average call time per side; a new side much slower than the old one is a reason to pause.', query: `SELECT window_start AS time, side, sum(total_ms) / nullif(sum(calls), 0) AS mean_ms FROM switchback.side_metrics\n WHERE change_id = ${change} AND ${within('window_start')}\n GROUP BY 1, 2 ORDER BY 1` },
    { id: 'backfill', title: 'Backfill progress', description: 'Rows visited and copied by the current backfill, per step.', query: `SELECT c.step_id, c.rows_visited, c.rows_changed, c.batches, c.updated_at FROM switchback.backfill_checkpoints c\n JOIN switchback.phase_runs r ON r.id = c.phase_run_id WHERE r.change_id = ${change} ORDER BY c.updated_at DESC` },
    { id: 'versions', title: 'App versions running', description: 'Instances per version that sent a heartbeat in the last 10 minutes.', query: `SELECT app, version, count(*) AS instances, max(last_seen) AS last_seen FROM switchback.app_instances\n WHERE stopped_at IS NULL AND last_seen > now() - interval '10 minutes' GROUP BY 1, 2 ORDER BY 1, 2` },
  );
  return out;
}

function promQueries(plan: Plan): DashboardQuery[] {
  const c = `change=${prom(plan.change)}`;
  const readFlag = plan.phases.find((p) => p.rollout)?.rollout?.flag;
  return [
    { id: 'mismatch-rate', title: 'Shadow-read mismatch rate', description: 'Share of shadow comparisons that differed.', query: `sum(rate(switchback_shadow_mismatches_total{${c}}[5m])) / sum(rate(switchback_shadow_compares_total{${c}}[5m]))` },
    { id: 'error-rate', title: 'Error rate per side', description: 'Failed calls over calls, by side.', query: `sum by (side) (rate(switchback_migration_side_errors_total{${c}}[5m])) / sum by (side) (rate(switchback_migration_side_duration_seconds_count{${c}}[5m]))` },
    { id: 'latency-p95', title: 'p95 latency per side (s)', description: '95th percentile call time, by side.', query: `histogram_quantile(0.95, sum by (side, le) (rate(switchback_migration_side_duration_seconds_bucket{${c}}[5m])))` },
    { id: 'traffic', title: 'Calls per second per side', description: 'Traffic on each side: no traffic means no verdict.', query: `sum by (side, op) (rate(switchback_migration_side_duration_seconds_count{${c}}[5m]))` },
    ...(readFlag ? [{ id: 'flag-evaluations', title: `${readFlag} evaluations by value`, description: 'How often the read flag chose the new path.', query: `sum by (value) (rate(switchback_flag_evaluations_total{flag=${prom(readFlag)}}[5m]))` }] : []),
    { id: 'dropped-reports', title: 'Mismatch reports dropped by the rate limit', description: 'Non-zero: the mismatch samples in the database undercount.', query: `sum(rate(switchback_mismatch_reports_dropped_total[5m]))` },
  ];
}

/** Panels that show a current value or rows rather than a series over time. */
const PANEL_TYPE: Record<string, 'stat' | 'table'> = { rollout: 'stat', parity: 'stat', backfill: 'table', versions: 'table' };

/**
 * A Grafana dashboard in the export format ("export for sharing
 * externally"): the data sources are `__inputs` the import asks for. For the
 * HTTP API, post `{ dashboard, overwrite: true, inputs: [{ name:
 * "DS_POSTGRES", type: "datasource", pluginId, value: UID }, …] }` to
 * /api/dashboards/import.
 */
function grafanaDashboard(plan: Plan, sql: DashboardQuery[], promql: DashboardQuery[]): Record<string, unknown> {
  const pg = { type: 'grafana-postgresql-datasource', uid: '${DS_POSTGRES}' };
  const pr = { type: 'prometheus', uid: '${DS_PROMETHEUS}' };
  const panel = (q: DashboardQuery, i: number, ds: typeof pg | typeof pr, target: Record<string, unknown>) => ({
    id: i + 1,
    title: q.title,
    description: q.description,
    type: PANEL_TYPE[q.id] ?? 'timeseries',
    datasource: ds,
    gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
    fieldConfig: { defaults: {}, overrides: [] },
    options: {},
    targets: [{ refId: 'A', datasource: ds, ...target }],
  });
  const panelTypes = [...new Set([...sql, ...promql].map((q) => PANEL_TYPE[q.id] ?? 'timeseries'))].sort();
  return {
    __inputs: [
      { name: 'DS_POSTGRES', label: 'PostgreSQL (the application database)', description: 'Where the application tables and the switchback ledger live', type: 'datasource', pluginId: 'grafana-postgresql-datasource', pluginName: 'PostgreSQL' },
      { name: 'DS_PROMETHEUS', label: 'Prometheus (the SDK metrics)', description: 'The Prometheus that scrapes the applications (prometheusMetrics in @switchback/sdk)', type: 'datasource', pluginId: 'prometheus', pluginName: 'Prometheus' },
    ],
    __requires: [
      { type: 'grafana', id: 'grafana', name: 'Grafana', version: '10.0.0' },
      { type: 'datasource', id: 'grafana-postgresql-datasource', name: 'PostgreSQL', version: '1.0.0' },
      { type: 'datasource', id: 'prometheus', name: 'Prometheus', version: '1.0.0' },
      ...panelTypes.map((id) => ({ type: 'panel', id, name: id, version: '' })),
    ],
    // Null: Grafana assigns its own id on import; the uid keeps re-imports on the same dashboard.
    id: null,
    uid: `switchback-${plan.change}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40),
    title: `Switchback: ${plan.title}`,
    tags: ['switchback', plan.change],
    editable: true,
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    time: { from: 'now-6h', to: 'now' },
    refresh: '30s',
    annotations: { list: [] },
    templating: { list: [] },
    panels: [
      ...sql.map((q, i) => panel(q, i, pg, { rawSql: q.query, format: PANEL_TYPE[q.id] ? 'table' : 'time_series', rawQuery: true, editorMode: 'code' })),
      ...promql.map((q, i) => panel(q, sql.length + i, pr, { expr: q.query, legendFormat: '__auto' })),
    ],
  };
}

/**
 * The queries that show a change's health in the user's own tools: SQL for
 * parity, mismatches, errors, latency, backfill and versions, PromQL for
 * the SDK's metrics, and an importable Grafana dashboard holding both.
 */
export function dashboardsFor(plan: Plan): Dashboards {
  const promql = promQueries(plan);
  return { change: plan.change, sql: sqlQueries(plan, LAST_HOUR), promql, grafana: grafanaDashboard(plan, sqlQueries(plan, GRAFANA), promql) };
}
