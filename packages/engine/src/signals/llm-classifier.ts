import { classifySignal, type SignalClass } from '@switchback/core';
import { safeUrl } from '../gates/prometheus-client.js';

export const DEFAULT_LLM_TIMEOUT_MS = 10_000;

/** A signal's class and which classifier gave it. */
export type Classified = SignalClass & { classifier: string };
export type Classifier = (body: string) => Promise<Classified>;

export interface LlmClassifierOptions {
  /** An OpenAI-compatible API base, e.g. http://localhost:11434/v1. */
  url: string;
  model: string;
  apiKey?: string;
  timeoutMs?: number;
  /** Told when the model could not answer and the deterministic classifier was used (never with the key). */
  onFallback?: (reason: string) => void;
}

function parseAnswer(content: string): { polarity: SignalClass['polarity']; severity: number } | undefined {
  let v: unknown;
  try {
    v = JSON.parse(content.replace(/^```(json)?\s*|\s*```$/g, ''));
  } catch {
    return undefined;
  }
  const a = v as { polarity?: unknown; severity?: unknown };
  if (!['negative', 'neutral', 'positive'].includes(a?.polarity as string)) return undefined;
  if (typeof a.severity !== 'number' || !Number.isInteger(a.severity) || a.severity < 0 || a.severity > 3) return undefined;
  return { polarity: a.polarity as SignalClass['polarity'], severity: a.severity };
}

const PROMPT = `You classify messages users send about a software product (support tickets, chat, reports).
Answer with one JSON object: {"polarity": "negative" | "neutral" | "positive", "severity": 0-3}.
severity: 0 no problem, 1 minor annoyance, 2 something is wrong or missing, 3 urgent (outage, money, data loss, security).
A message with no problem has severity 0; a negative one has severity 1 or more.`;

/** The deterministic classifier, as a Classifier. */
export const deterministicClassifier: Classifier = async (body) => ({ ...classifySignal(body), classifier: 'deterministic' });

/**
 * A language-model classifier through an OpenAI-compatible chat completions
 * endpoint. Any failure (unreachable, slow, malformed answer) falls back to
 * the deterministic classifier, so recording a signal never depends on it.
 */
export function llmClassifier(o: LlmClassifierOptions): Classifier {
  const endpoint = `${o.url.replace(/\/+$/, '')}/chat/completions`;
  return async (body) => {
    const fallback = (reason: string): Classified => {
      o.onFallback?.(`the language model at ${safeUrl(o.url)} ${reason}; used the deterministic classifier`);
      return { ...classifySignal(body), classifier: 'deterministic' };
    };
    let res: Response;
    try {
      res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {}) },
        body: JSON.stringify({ model: o.model, temperature: 0, response_format: { type: 'json_object' }, messages: [{ role: 'system', content: PROMPT }, { role: 'user', content: body.slice(0, 4000) }] }),
        signal: AbortSignal.timeout(o.timeoutMs ?? DEFAULT_LLM_TIMEOUT_MS),
      });
    } catch (e) {
      return fallback(`could not be reached (${e instanceof Error ? e.name : 'error'})`);
    }
    if (!res.ok) return fallback(`answered HTTP ${res.status}`);
    const data = (await res.json().catch(() => undefined)) as { choices?: { message?: { content?: string } }[] } | undefined;
    const parsed = parseAnswer(data?.choices?.[0]?.message?.content ?? '');
    if (!parsed) return fallback('gave an answer that is not {"polarity", "severity"} JSON');
    const severity = (parsed.polarity === 'negative' ? Math.max(1, parsed.severity) : 0) as SignalClass['severity'];
    return { polarity: parsed.polarity, severity, cues: classifySignal(body).cues, classifier: `llm:${o.model}` };
  };
}
