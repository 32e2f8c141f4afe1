import http from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { parseSignalExport } from '@switchback/core';
import type { Db } from '../db/db.js';
import { SwitchbackError } from '../errors.js';
import type { Classifier } from './llm-classifier.js';
import { recordSignals, type RecordedSignal } from './signal-store.js';

/** Shorter tokens are refused at startup: a guessable token protects nothing. */
export const MIN_FEEDBACK_TOKEN_LENGTH = 16;

/** The endpoint records signals (it changes state), so it never runs without a token. */
export class FeedbackTokenError extends SwitchbackError {
  constructor(readonly length: number) {
    super(
      length
        ? `The feedback endpoint's token is ${length} characters; use at least ${MIN_FEEDBACK_TOKEN_LENGTH} (e.g. openssl rand -hex 24) in SWITCHBACK_FEEDBACK_TOKEN.`
        : 'The feedback endpoint records signals, so it needs a token: set SWITCHBACK_FEEDBACK_TOKEN (e.g. export SWITCHBACK_FEEDBACK_TOKEN=$(openssl rand -hex 24)) and send it as Authorization: Bearer <token>.',
    );
  }
}

/** Larger bodies are refused: an export that big belongs in `switchback feedback --import`. */
export const MAX_FEEDBACK_BODY_BYTES = 1_000_000;

export interface FeedbackServerOptions {
  port: number;
  host?: string;
  /** Every POST must carry `Authorization: Bearer <token>` (at least {@link MIN_FEEDBACK_TOKEN_LENGTH} characters). */
  token: string;
  actor: string;
  classify?: Classifier;
  onRecorded?: (source: string, signals: RecordedSignal[]) => void;
  onError?: (message: string) => void;
}

export interface FeedbackServer {
  url: string;
  close(): Promise<void>;
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Compares digests of equal length in constant time, so neither the token's content nor its length leaks through timing. */
function authorized(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return timingSafeEqual(digest(m?.[1] ?? ''), digest(token)) && !!m;
}

/**
 * An HTTP endpoint for signals: `POST /signals?source=NAME` with one JSON
 * message, an array, or an object holding one (the fields of
 * `switchback feedback --import`). Answers 201 with each signal's
 * classification and correlations; `GET /healthz` answers 200.
 */
export async function startFeedbackServer(db: Db, o: FeedbackServerOptions): Promise<FeedbackServer> {
  if (!o.token || o.token.length < MIN_FEEDBACK_TOKEN_LENGTH) throw new FeedbackTokenError(o.token?.length ?? 0);
  // One request at a time: PGlite has one connection, and order keeps the ledger readable.
  let queue: Promise<unknown> = Promise.resolve();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/healthz') return send(res, 200, { ok: true });
    if (url.pathname !== '/signals') return send(res, 404, { error: 'POST signals to /signals' });
    if (req.method !== 'POST') return send(res, 405, { error: 'use POST' });
    if (!authorized(req.headers.authorization, o.token)) {
      res.setHeader('www-authenticate', 'Bearer');
      return send(res, 401, { error: 'missing or wrong bearer token (Authorization: Bearer <token>)' });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_FEEDBACK_BODY_BYTES) {
        send(res, 413, { error: `body over ${MAX_FEEDBACK_BODY_BYTES} bytes; import large exports with switchback feedback --import` });
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      let data: unknown;
      try {
        data = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch (e) {
        return send(res, 400, { problems: [{ record: 0, message: `not JSON (${e instanceof Error ? e.message : String(e)})` }] });
      }
      // One message is an object without a list in it.
      const single = typeof data === 'object' && data !== null && !Array.isArray(data) && !Object.values(data).some(Array.isArray);
      const parsed = parseSignalExport(JSON.stringify(single ? [data] : data), 'json', new Date());
      if (!parsed.ok) return send(res, 400, { problems: parsed.problems });
      const source = url.searchParams.get('source') ?? 'http';
      queue = queue.then(async () => {
        try {
          const recorded = await recordSignals(db, source, parsed.signals, o.actor, o.classify);
          o.onRecorded?.(source, recorded);
          send(res, 201, { recorded });
        } catch (e) {
          o.onError?.(`recording signals failed: ${e instanceof Error ? e.message : String(e)}`);
          send(res, 500, { error: 'the signals could not be recorded; see the server log' });
        }
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
