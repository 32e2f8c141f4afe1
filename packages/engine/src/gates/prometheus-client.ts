import { SwitchbackError } from '../errors.js';

/** How long a Prometheus query may take before the gate calls it inconclusive. */
export const DEFAULT_PROMETHEUS_TIMEOUT_MS = 5_000;

export class PrometheusQueryError extends SwitchbackError {
  constructor(
    readonly server: string,
    readonly query: string,
    readonly reason: string,
  ) {
    super(`Prometheus at ${server} did not answer ${query}: ${reason}`);
  }
}

/** A URL safe to print and record: no user, password, query string or fragment. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '<unparseable URL>';
  }
}

/** A PromQL string literal: `change="x"` whatever x holds. */
export function promString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/**
 * Evaluate an instant query through the Prometheus HTTP API
 * (https://prometheus.io/docs/prometheus/latest/querying/api/#instant-queries)
 * and return its one number: a scalar, or a vector of exactly one sample.
 * An empty vector (no series yet) is undefined; NaN (0/0) is undefined too.
 */
export async function promQueryNumber(url: string, query: string, at: Date, timeoutMs = DEFAULT_PROMETHEUS_TIMEOUT_MS): Promise<number | undefined> {
  const server = safeUrl(url);
  let body: unknown;
  try {
    const endpoint = new URL('api/v1/query', url.endsWith('/') ? url : `${url}/`);
    // fetch refuses credentials in a URL: send them as basic auth instead.
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (endpoint.username || endpoint.password) {
      headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(endpoint.username)}:${decodeURIComponent(endpoint.password)}`).toString('base64')}`;
      endpoint.username = '';
      endpoint.password = '';
    }
    const res = await fetch(endpoint, {
      method: 'POST',
      headers,
      body: new URLSearchParams({ query, time: String(at.getTime() / 1000) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    try {
      body = JSON.parse(text);
    } catch {
      throw new PrometheusQueryError(server, query, `HTTP ${res.status}, not a Prometheus API answer (${text.slice(0, 120)})`);
    }
  } catch (e) {
    if (e instanceof PrometheusQueryError) throw e;
    const cause = e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e);
    throw new PrometheusQueryError(server, query, `unreachable (${cause})`);
  }
  const b = body as { status?: string; error?: string; errorType?: string; data?: { resultType?: string; result?: unknown } };
  if (b.status !== 'success') throw new PrometheusQueryError(server, query, `${b.errorType ?? 'error'}: ${b.error ?? 'no reason given'}`);
  const { resultType, result } = b.data ?? {};
  let raw: unknown;
  if (resultType === 'scalar') raw = (result as unknown[])[1];
  else if (resultType === 'vector') {
    const samples = result as { value: [number, string] }[];
    if (samples.length === 0) return undefined;
    if (samples.length > 1) throw new PrometheusQueryError(server, query, `${samples.length} series came back; aggregate the query (e.g. sum(...)) to one number`);
    raw = samples[0]!.value[1];
  } else throw new PrometheusQueryError(server, query, `a ${resultType ?? 'missing'} result; the gate needs a scalar or a one-sample vector`);
  const n = Number(raw);
  return Number.isNaN(n) ? undefined : n;
}
