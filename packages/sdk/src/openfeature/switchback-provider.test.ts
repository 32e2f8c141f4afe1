import { OpenFeature } from '@openfeature/server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlagDefinition } from '../flags/evaluate.js';
import { FlagClient } from '../flags/flag-client.js';
import { SwitchbackProvider, toEvalContext } from './index.js';

const flag = (name: string, over: Partial<FlagDefinition> = {}): FlagDefinition => ({
  name, enabled: true, rolloutBps: 0, allowTenants: [], version: 1, ...over,
});

let flags: FlagClient;

beforeAll(async () => {
  flags = await FlagClient.fromSource({
    load: async () => ({
      flags: new Map([
        ['Read', flag('Read', { allowTenants: ['acme'] })],
        ['Killed', flag('Killed', { enabled: false, rolloutBps: 10_000 })],
        ['Everyone', flag('Everyone', { rolloutBps: 10_000 })],
        ['Checkout', flag('Checkout', {
          rolloutBps: 10_000,
          rules: {
            rules: [{ attribute: 'plan', op: 'in', values: ['gold'], serve: 'gold-button', index: 0 }],
            variants: [{ name: 'blue', weight: 1 }, { name: 'gold-button', weight: 0 }],
          },
        })],
      ]),
      phases: new Map(),
      loadedAt: new Date(),
    }),
  }, { pollMs: 60_000 });
  await OpenFeature.setProviderAndWait(new SwitchbackProvider(flags));
});

afterAll(async () => {
  await OpenFeature.close();
  await flags.close();
});

describe('SwitchbackProvider through the OpenFeature API', () => {
  const client = () => OpenFeature.getClient();

  it('resolves boolean flags with the tenant from the context', async () => {
    expect(await client().getBooleanValue('Read', false, { targetingKey: 'customer-42', tenant: 'acme' })).toBe(true);
    expect(await client().getBooleanValue('Read', true, { targetingKey: 'customer-42', tenant: 'globex' })).toBe(false);
    const details = await client().getBooleanDetails('Read', false, { targetingKey: 'customer-42', tenant: 'acme' });
    expect(details).toMatchObject({
      value: true, reason: 'TARGETING_MATCH', variant: 'on',
      flagMetadata: { switchbackReason: 'allow-list', rule: 'allow_tenants', explanation: 'Read is on for key "customer-42": tenant "acme" is on its allow list.' },
    });
  });

  it('maps the kill switch, rollouts and unknown flags', async () => {
    expect(await client().getBooleanDetails('Killed', true, { targetingKey: 'k' })).toMatchObject({ value: false, reason: 'DISABLED', variant: 'off' });
    expect(await client().getBooleanDetails('Everyone', false, { targetingKey: 'k' })).toMatchObject({ value: true, reason: 'SPLIT', flagMetadata: { bucket: expect.any(Number) } });
    expect(await client().getBooleanDetails('Nope', true, { targetingKey: 'k' })).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
  });

  it('resolves string flags to the variant, from rules on other context fields', async () => {
    expect(await client().getStringValue('Checkout', 'none', { targetingKey: 'u1', plan: 'gold' })).toBe('gold-button');
    expect(await client().getStringDetails('Checkout', 'none', { targetingKey: 'u1', plan: 'free' })).toMatchObject({ value: 'blue', variant: 'blue', reason: 'SPLIT' });
    expect(await client().getStringDetails('Read', 'none', { targetingKey: 'u1', tenant: 'acme' })).toMatchObject({ value: 'none', reason: 'DEFAULT' });
    expect(await client().getStringDetails('Killed', 'none', { targetingKey: 'u1' })).toMatchObject({ value: 'none', reason: 'DISABLED' });
  });

  it('answers numbers and objects with a type mismatch and the default', async () => {
    expect(await client().getNumberDetails('Read', 7, { targetingKey: 'k' })).toMatchObject({ value: 7, errorCode: 'TYPE_MISMATCH' });
    expect(await client().getObjectValue('Read', { a: 1 }, { targetingKey: 'k' })).toEqual({ a: 1 });
  });

  it('maps the OpenFeature context', () => {
    const at = new Date('2025-01-01T00:00:00Z');
    expect(toEvalContext({ targetingKey: 'k', tenant: 'acme', user: 'alice', plan: 'gold', seats: 3, beta: true, at, nested: { x: 1 } })).toEqual({
      key: 'k', tenant: 'acme', user: 'alice', attributes: { plan: 'gold', seats: 3, beta: true, at: '2025-01-01T00:00:00.000Z' },
    });
    expect(toEvalContext({})).toEqual({ key: '', attributes: {} });
  });
});
