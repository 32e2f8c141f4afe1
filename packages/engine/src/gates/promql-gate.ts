import type { PromqlGate } from '@switchback/core';
import { promQueryNumber, PrometheusQueryError, safeUrl } from './prometheus-client.js';
import type { Verdict } from './verdict.js';

/** A PromQL number within bounds; too little traffic, no data or no answer is inconclusive. */
export async function evaluatePromqlGate(g: PromqlGate, now: Date, defaultUrl: string | undefined): Promise<Verdict> {
  const url = g.url ?? defaultUrl;
  const bounds = [g.min === undefined ? '' : `≥ ${g.min}`, g.max === undefined ? '' : `≤ ${g.max}`].filter(Boolean).join(' and ');
  const evidence: Record<string, unknown> = { query: g.query, min: g.min ?? null, max: g.max ?? null, prometheus: url ? safeUrl(url) : null };
  if (!url) return { verdict: 'inconclusive', detail: 'no Prometheus URL configured (the gate\'s url, --prometheus-url or SWITCHBACK_PROMETHEUS_URL)', evidence };
  try {
    if (g.traffic) {
      const traffic = (await promQueryNumber(url, g.traffic.query, now)) ?? 0;
      evidence.traffic = traffic;
      if (traffic < g.traffic.min) return { verdict: 'inconclusive', detail: `traffic ${traffic} < ${g.traffic.min} (${g.traffic.query}); too little to judge`, evidence };
    }
    const value = await promQueryNumber(url, g.query, now);
    evidence.value = value ?? null;
    if (value === undefined) return { verdict: 'inconclusive', detail: `${g.query} returned no data`, evidence };
    const ok = (g.min === undefined || value >= g.min) && (g.max === undefined || value <= g.max);
    return { verdict: ok ? 'pass' : 'fail', detail: `${g.query} = ${value}${bounds ? ` (needs ${bounds})` : ''}`, evidence };
  } catch (e) {
    if (e instanceof PrometheusQueryError) return { verdict: 'inconclusive', detail: e.message, evidence: { ...evidence, error: e.reason } };
    throw e;
  }
}
