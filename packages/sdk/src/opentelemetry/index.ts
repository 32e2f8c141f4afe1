// @switchback/sdk/opentelemetry: the SDK's metrics and spans through @opentelemetry/api (an optional peer dependency).

export { openTelemetryHooks, DEFAULT_LATENCY_BOUNDARIES_S } from './open-telemetry-hooks.js';
export type { OpenTelemetryHooks, OpenTelemetryHooksOptions } from './open-telemetry-hooks.js';
