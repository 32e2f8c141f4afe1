import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface LocalServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** A local HTTP server answering with `respond`, recording every request. */
export async function localServer(respond: (req: RecordedRequest) => { status?: number; body: unknown } | Promise<{ status?: number; body: unknown }>): Promise<LocalServer> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const r = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body };
      requests.push(r);
      void Promise.resolve(respond(r)).then((a) => {
        res.writeHead(a.status ?? 200, { 'content-type': 'application/json' });
        res.end(typeof a.body === 'string' ? a.body : JSON.stringify(a.body));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A Prometheus stand-in: `values` maps a substring of the query to the number it yields (undefined: no series). */
export function fakePrometheus(values: Record<string, number | undefined | 'error'>): Promise<LocalServer> {
  return localServer((req) => {
    const query = new URLSearchParams(req.body).get('query') ?? '';
    const key = Object.keys(values).find((k) => query.includes(k));
    if (key === undefined) return { status: 400, body: { status: 'error', errorType: 'bad_data', error: `unexpected query ${query}` } };
    const v = values[key];
    if (v === 'error') return { status: 422, body: { status: 'error', errorType: 'execution', error: 'query timed out' } };
    return { body: { status: 'success', data: { resultType: 'vector', result: v === undefined ? [] : [{ metric: {}, value: [Date.now() / 1000, String(v)] }] } } };
  });
}
