/** Something people should hear about: a rollout step, a rollback, a question, a pause. */
export interface Notice {
  level: 'info' | 'warning' | 'alert';
  change?: string;
  /** One line: what happened. */
  title: string;
  /** Why, with the numbers. */
  lines: string[];
}

export interface Notifier {
  notify(n: Notice): Promise<void>;
}

/** How long one webhook attempt may take before it is given up. */
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 5_000;
/** Attempts after the first, for answers that may pass (5xx, 429) and for network errors and timeouts. */
export const DEFAULT_WEBHOOK_RETRIES = 2;
/** Wait before the first retry; each further one waits twice as long. */
export const DEFAULT_WEBHOOK_BACKOFF_MS = 500;

export interface WebhookOptions {
  timeoutMs?: number;
  retries?: number;
  backoffMs?: number;
}

const ICONS = { info: ':large_blue_circle:', warning: ':large_yellow_circle:', alert: ':red_circle:' } as const;

/** A Slack-compatible message (`text` for notifications, `blocks` for the layout); other chat tools accept the same. */
export function slackMessage(n: Notice): { text: string; blocks: unknown[] } {
  const head = `${ICONS[n.level]} ${n.change ? `*${n.change}*: ` : ''}${n.title}`;
  return {
    text: `${n.change ? `${n.change}: ` : ''}${n.title}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: head } },
      ...(n.lines.length ? [{ type: 'section', text: { type: 'mrkdwn', text: n.lines.map((l) => `• ${l}`).join('\n').slice(0, 2900) } }] : []),
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'switchback watch' }] },
    ],
  };
}

/** Where a webhook goes, safe to print: its host only (webhook paths are secrets). */
export function webhookLabel(url: string): string {
  try {
    return `webhook at ${new URL(url).host}`;
  } catch {
    return 'webhook (unparseable URL)';
  }
}

/**
 * Posts notices to a webhook. An answer that may pass (5xx, 429), a network
 * error or a timeout is retried with exponential backoff; a 4xx is not (the
 * request itself is wrong). What still fails is reported through `onError`,
 * by host only (webhook paths are secrets), and never stops the watcher.
 * Worst case per notice: (retries + 1) × timeout plus the backoff.
 */
export function webhookNotifier(url: string, onError: (message: string) => void, o: WebhookOptions = {}): Notifier {
  const label = webhookLabel(url);
  const retries = o.retries ?? DEFAULT_WEBHOOK_RETRIES;
  const backoff = o.backoffMs ?? DEFAULT_WEBHOOK_BACKOFF_MS;
  return {
    async notify(n) {
      const body = JSON.stringify(slackMessage(n));
      let problem = '';
      let attempts = 0;
      for (let attempt = 0; attempt <= retries; attempt++) {
        attempts++;
        if (attempt) await new Promise((r) => setTimeout(r, backoff * 2 ** (attempt - 1)));
        try {
          const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(o.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS) });
          await res.body?.cancel().catch(() => {});
          if (res.ok) return;
          problem = `answered HTTP ${res.status}`;
          if (res.status < 500 && res.status !== 429) break;
        } catch (e) {
          const reason = e instanceof Error ? ((e.cause as NodeJS.ErrnoException | undefined)?.code ?? e.name) : 'error';
          problem = reason === 'TimeoutError' ? `did not answer within ${o.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS}ms` : `could not be reached (${String(reason)})`;
        }
      }
      onError(`${label} ${problem}${attempts > 1 ? ` (${attempts} attempts)` : ''}; the notice "${n.title}" was not delivered`);
    },
  };
}

export function allNotifiers(list: Notifier[]): Notifier {
  return { notify: async (n) => void (await Promise.all(list.map((x) => x.notify(n)))) };
}
