// @switchback/sdk/prometheus: the SDK's metrics through prom-client (an optional peer dependency).

export { prometheusMetrics } from './prometheus-metrics.js';
export type { PrometheusMetrics, PrometheusMetricsOptions } from './prometheus-metrics.js';
