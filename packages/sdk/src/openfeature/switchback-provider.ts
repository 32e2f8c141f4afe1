import {
  ErrorCode,
  OpenFeatureEventEmitter,
  ProviderEvents,
  ProviderNotReadyError,
  StandardResolutionReasons,
  type EvaluationContext,
  type JsonValue,
  type Provider,
  type ResolutionDetails,
} from '@openfeature/server-sdk';
import type { EvalContext, Evaluation, EvaluationReason } from '../flags/evaluate.js';
import type { FlagClient } from '../flags/flag-client.js';

const REASONS: Record<EvaluationReason, string> = {
  'unknown-flag': StandardResolutionReasons.ERROR,
  disabled: StandardResolutionReasons.DISABLED,
  'deny-list': StandardResolutionReasons.TARGETING_MATCH,
  'allow-list': StandardResolutionReasons.TARGETING_MATCH,
  rule: StandardResolutionReasons.TARGETING_MATCH,
  rollout: StandardResolutionReasons.SPLIT,
  'outside-rollout': StandardResolutionReasons.SPLIT,
  error: StandardResolutionReasons.ERROR,
};

/**
 * Maps an OpenFeature context to a Switchback one: `targetingKey` is the key,
 * `tenant` and `user` are themselves, and every other string, number, boolean
 * or date field is an attribute for targeting rules.
 */
export function toEvalContext(context: EvaluationContext): EvalContext {
  const { targetingKey, tenant, user, ...rest } = context;
  const attributes: Record<string, string | number | boolean> = {};
  for (const [name, v] of Object.entries(rest)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') attributes[name] = v;
    else if (v instanceof Date) attributes[name] = v.toISOString();
  }
  const ctx: EvalContext = { key: targetingKey ?? '', attributes };
  if (tenant !== undefined && tenant !== null) ctx.tenant = String(tenant);
  if (user !== undefined && user !== null) ctx.user = String(user);
  return ctx;
}

/**
 * An OpenFeature server provider over a {@link FlagClient}: teams on
 * OpenFeature switch provider, not code. Boolean flags resolve to the flag's
 * value, string flags to its variant; the reason, the deciding rule and the
 * explanation come along (reason and `flagMetadata`). Resolution reads the
 * in-memory snapshot, so it never waits on the network.
 *
 * Events follow the client's loads: `ConfigurationChanged` with `flagsChanged`
 * when a NOTIFY or a poll brings different flags; `Stale` when a load fails
 * after one succeeded (the last snapshot keeps serving); `Ready` when loads
 * succeed again. If no load has ever succeeded, initialisation fails (status
 * `ERROR`, every flag resolves to its default) and `Ready` follows the first
 * successful load.
 *
 * @example
 * import { OpenFeature } from '@openfeature/server-sdk';
 * import { SwitchbackProvider } from '@switchback/sdk/openfeature';
 * await OpenFeature.setProviderAndWait(new SwitchbackProvider(await FlagClient.start(pool)));
 * await OpenFeature.getClient().getBooleanValue('ReadContractDetailsFromCustomer', false, { targetingKey: id, tenant });
 */
export class SwitchbackProvider implements Provider {
  readonly metadata = { name: 'switchback' } as const;
  readonly runsOn = 'server' as const;
  readonly events = new OpenFeatureEventEmitter();
  private unsubscribe: (() => void) | undefined;
  /** What the provider last told OpenFeature: serving fresh flags, stale ones, or none. */
  private state: 'ready' | 'stale' | 'error' = 'ready';

  constructor(private readonly flags: FlagClient) {}

  /** Called by OpenFeature when the provider is set: follows the client's loads from now on. */
  async initialize(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = this.flags.subscribe({
      onRefresh: (outcome, error) => this.onRefresh(outcome, error),
      onChange: (flagsChanged) => this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged }),
    });
    if (!this.flags.loaded) await this.flags.refresh();
    if (!this.flags.loaded) {
      this.state = 'error';
      throw new ProviderNotReadyError('no flags loaded yet from switchback.flags: the database is unreachable; flags resolve to their defaults until it answers');
    }
    this.state = this.flags.lastRefresh?.outcome === 'error' ? 'stale' : 'ready';
    if (this.state === 'stale') this.events.emit(ProviderEvents.Stale, { message: 'serving the last flags loaded; the database does not answer' });
  }

  /** Called by OpenFeature on shutdown; the FlagClient stays open (close it yourself). */
  async onClose(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private onRefresh(outcome: 'ok' | 'error', error: unknown): void {
    if (outcome === 'ok') {
      if (this.state !== 'ready') this.events.emit(ProviderEvents.Ready, { message: 'flags loaded' });
      this.state = 'ready';
    } else if (this.state === 'ready' && this.flags.loaded) {
      this.state = 'stale';
      const reason = error instanceof Error ? `: ${error.message}` : '';
      this.events.emit(ProviderEvents.Stale, { message: `serving the last flags loaded; the database does not answer${reason}` });
    }
  }

  async resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext): Promise<ResolutionDetails<boolean>> {
    const ctx = toEvalContext(context);
    const result = this.flags.evaluate(flagKey, ctx);
    const failed = this.failure(result, defaultValue);
    if (failed) return failed;
    return { ...this.details(flagKey, ctx, result), value: result.value, variant: result.variant ?? (result.value ? 'on' : 'off') };
  }

  async resolveStringEvaluation(flagKey: string, defaultValue: string, context: EvaluationContext): Promise<ResolutionDetails<string>> {
    const ctx = toEvalContext(context);
    const result = this.flags.evaluate(flagKey, ctx);
    const failed = this.failure(result, defaultValue);
    if (failed) return failed;
    if (result.variant === undefined) {
      const reason = result.reason === 'disabled' ? StandardResolutionReasons.DISABLED : StandardResolutionReasons.DEFAULT;
      return { ...this.details(flagKey, ctx, result), value: defaultValue, reason };
    }
    return { ...this.details(flagKey, ctx, result), value: result.variant, variant: result.variant };
  }

  /** Switchback flags are booleans with string variants; numbers are a type mismatch. */
  async resolveNumberEvaluation(_flagKey: string, defaultValue: number): Promise<ResolutionDetails<number>> {
    return mismatch(defaultValue);
  }

  /** Switchback flags are booleans with string variants; objects are a type mismatch. */
  async resolveObjectEvaluation<T extends JsonValue>(_flagKey: string, defaultValue: T): Promise<ResolutionDetails<T>> {
    return mismatch(defaultValue);
  }

  private failure<T>(result: Evaluation, defaultValue: T): ResolutionDetails<T> | undefined {
    if (result.reason === 'unknown-flag') {
      return { value: defaultValue, reason: StandardResolutionReasons.ERROR, errorCode: ErrorCode.FLAG_NOT_FOUND, errorMessage: 'no such flag in switchback.flags' };
    }
    if (result.reason === 'error') {
      return { value: defaultValue, reason: StandardResolutionReasons.ERROR, errorCode: ErrorCode.GENERAL, errorMessage: 'evaluation failed' };
    }
    return undefined;
  }

  private details(flagKey: string, ctx: EvalContext, result: Evaluation): Omit<ResolutionDetails<never>, 'value'> {
    const flagMetadata: Record<string, string | number> = {
      switchbackReason: result.reason,
      explanation: this.flags.explain(flagKey, ctx),
    };
    if (result.rule !== undefined) flagMetadata.rule = result.rule;
    if (result.bucket !== undefined) flagMetadata.bucket = result.bucket;
    return { reason: REASONS[result.reason], flagMetadata };
  }
}

function mismatch<T>(defaultValue: T): ResolutionDetails<T> {
  return {
    value: defaultValue,
    reason: StandardResolutionReasons.ERROR,
    errorCode: ErrorCode.TYPE_MISMATCH,
    errorMessage: 'Switchback flags resolve as booleans (on/off) or strings (variants)',
  };
}
