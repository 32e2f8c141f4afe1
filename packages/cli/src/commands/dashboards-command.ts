import type { Command } from 'commander';
import { dashboardsFor, planChange, type Plan } from '@switchback/core';
import { getChange, PlanProblemsError, readSchema, SwitchbackError } from '@switchback/engine';
import { changeRef } from '../change-arg.js';
import { outputOf, withLedger, type GlobalOptions } from '../cli-context.js';

interface DashboardsOptions extends GlobalOptions {
  format?: 'sql' | 'promql' | 'grafana';
}

export function dashboardsCommand(program: Command): void {
  program
    .command('dashboards')
    .argument('<change>', 'a change id in the ledger, or a change file (planned against the database, not registered)')
    .description('Print the queries that show a change\'s health in your own tools: SQL (parity, mismatches, errors, latency, backfill, versions), PromQL for the SDK metrics, and an importable Grafana dashboard.')
    .option('--format <format>', 'only one part: sql, promql or grafana (the dashboard JSON)')
    .addHelpText('after', `
Import the Grafana dashboard with Dashboards → New → Import; it asks for a
PostgreSQL data source (the application database) and a Prometheus one.

Examples:
  switchback dashboards 0001-contract-into-customer
  switchback dashboards 0001-contract-into-customer --format grafana > switchback-dashboard.json
  switchback dashboards changes/0001-contract-into-customer.yaml --format promql`)
    .action(async (change: string, options: DashboardsOptions, cmd: Command) => {
      const o = { ...cmd.optsWithGlobals<DashboardsOptions>(), ...options };
      if (o.format && !['sql', 'promql', 'grafana'].includes(o.format)) throw new SwitchbackError(`--format must be sql, promql or grafana (got "${o.format}").`);
      const out = outputOf(o);
      const ref = changeRef(change);
      const plan = await withLedger(o, `dashboards ${change}`, async (db): Promise<Plan> => {
        const row = await getChange(db, ref.id);
        if (row) return row.plan;
        if (!ref.file) throw new SwitchbackError(`No change "${ref.id}" in the ledger. Pass its change file (changes/${ref.id}.yaml) to plan it against the database.`);
        const r = planChange(ref.file.spec, await readSchema(db));
        if (!r.ok) throw new PlanProblemsError(ref.file.spec, r.problems);
        return r.plan;
      });
      const d = dashboardsFor(plan);
      if (o.format === 'grafana') return out.out(JSON.stringify(d.grafana, null, 2));
      if (o.json) return out.out(JSON.stringify(o.format ? { change: d.change, [o.format]: d[o.format] } : d, null, 2));
      if (o.format !== 'promql') {
        out.out(`-- SQL for ${d.change}: run against the application database`);
        for (const q of d.sql) out.out(`\n-- ${q.title}: ${q.description}\n${q.query};`);
      }
      if (o.format !== 'sql') {
        if (o.format !== 'promql') out.out('');
        out.out(`# PromQL for ${d.change}: the SDK's metrics (prometheusMetrics)`);
        for (const q of d.promql) out.out(`\n# ${q.title}: ${q.description}\n${q.query}`);
      }
      if (!o.format) out.out(`\n# Grafana: switchback dashboards ${d.change} --format grafana > switchback-dashboard.json, then Dashboards → New → Import`);
    });
}
