import { afterEach, describe, expect, it } from 'vitest';
import { llmClassifier } from '@switchback/engine';
import { localServer, type LocalServer } from './local-http.js';

const reply = (content: string) => ({ body: { choices: [{ message: { role: 'assistant', content } }] } });

describe('the language-model classifier', () => {
  let server: LocalServer | undefined;
  afterEach(async () => server?.close());

  it('asks an OpenAI-compatible endpoint and uses its answer', async () => {
    server = await localServer(() => reply('{"polarity":"negative","severity":3}'));
    const fallbacks: string[] = [];
    const classify = llmClassifier({ url: `${server.url}/v1/`, model: 'tiny', apiKey: 'sk-secret', onFallback: (m) => fallbacks.push(m) });
    expect(await classify('They billed us at the wrong tier')).toMatchObject({ polarity: 'negative', severity: 3, classifier: 'llm:tiny', cues: ['wrong'] });
    const req = server.requests[0]!;
    expect(req.url).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe('Bearer sk-secret');
    expect(JSON.parse(req.body)).toMatchObject({ model: 'tiny', temperature: 0, messages: [{ role: 'system' }, { role: 'user', content: 'They billed us at the wrong tier' }] });
    expect(fallbacks).toEqual([]);
  });

  it.each([
    ['a malformed answer', () => reply('I think it is bad'), 'not {"polarity", "severity"} JSON'],
    ['an out-of-range severity', () => reply('{"polarity":"negative","severity":9}'), 'not {"polarity", "severity"} JSON'],
    ['an HTTP error', () => ({ status: 500, body: { error: 'overloaded' } }), 'answered HTTP 500'],
  ])('falls back to the deterministic classifier on %s', async (_name, respond, reason) => {
    server = await localServer(respond);
    const fallbacks: string[] = [];
    const r = await llmClassifier({ url: server.url, model: 'tiny', apiKey: 'sk-secret', onFallback: (m) => fallbacks.push(m) })('the end date is wrong');
    expect(r).toMatchObject({ polarity: 'negative', severity: 2, classifier: 'deterministic' });
    expect(fallbacks[0]).toContain(reason);
    expect(fallbacks.join()).not.toContain('sk-secret');
  });

  it('falls back when the endpoint cannot be reached', async () => {
    const fallbacks: string[] = [];
    expect(await llmClassifier({ url: 'http://127.0.0.1:9/v1', model: 'x', timeoutMs: 2_000, onFallback: (m) => fallbacks.push(m) })('thanks, works')).toMatchObject({ polarity: 'positive', classifier: 'deterministic' });
    expect(fallbacks[0]).toContain('could not be reached');
  });
});
