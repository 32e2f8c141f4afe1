import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { localServer, type LocalServer } from '../../test/local-http.js';
import { webhookNotifier, type Notice } from './notifier.js';

const NOTICE: Notice = { level: 'alert', change: 'c-1', title: 'rolled-back rollback:read-switch', lines: ['rollback-mismatch-rate: 45/300'] };
const SECRET_PATH = '/services/T000/B000/s3cr3tT0ken';

describe('webhookNotifier', () => {
  let server: LocalServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('retries a failing webhook with backoff until it answers, sending the same message each time', async () => {
    let calls = 0;
    server = await localServer(() => (++calls <= 2 ? { status: 503, body: 'busy' } : { body: 'ok' }));
    const errors: string[] = [];
    await webhookNotifier(`${server.url}${SECRET_PATH}`, (m) => errors.push(m), { backoffMs: 1 }).notify(NOTICE);
    expect(errors).toEqual([]);
    expect(server.requests).toHaveLength(3);
    expect(new Set(server.requests.map((r) => r.body)).size).toBe(1);
    expect(JSON.parse(server.requests[0]!.body)).toMatchObject({ text: 'c-1: rolled-back rollback:read-switch' });
  });

  it.each([
    ['a 5xx every time: every attempt, then one error', 500, 3, 'answered HTTP 500 (3 attempts)'],
    ['429: retried like a 5xx', 429, 3, 'answered HTTP 429 (3 attempts)'],
    ['another 4xx: the request is wrong, not retried', 404, 1, 'answered HTTP 404;'],
  ] as const)('%s', async (_name, status, attempts, message) => {
    server = await localServer(() => ({ status, body: 'no' }));
    const errors: string[] = [];
    await webhookNotifier(`${server.url}${SECRET_PATH}`, (m) => errors.push(m), { backoffMs: 1 }).notify(NOTICE);
    expect(server.requests).toHaveLength(attempts);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`webhook at ${new URL(server.url).host} ${message}`);
    expect(errors[0]).not.toContain('s3cr3t');
  });

  it('gives an attempt up after the timeout and retries it', async () => {
    let requests = 0;
    const silent = http.createServer(() => void requests++);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const errors: string[] = [];
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}${SECRET_PATH}`;
      await webhookNotifier(url, (m) => errors.push(m), { timeoutMs: 200, retries: 1, backoffMs: 1 }).notify(NOTICE);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
    expect(requests).toBe(2);
    expect(errors).toEqual([expect.stringMatching(/did not answer within 200ms \(2 attempts\); the notice "rolled-back rollback:read-switch" was not delivered$/)]);
    expect(errors[0]).not.toContain('s3cr3t');
  });
});
