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

/** How long a webhook may take before the notice is given up (the watcher never waits longer). */
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 5_000;

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
 * Posts notices to a webhook. A failing or slow webhook is reported through
 * `onError` (by host, never the URL) and never stops the watcher.
 */
export function webhookNotifier(url: string, onError: (message: string) => void, timeoutMs = DEFAULT_WEBHOOK_TIMEOUT_MS): Notifier {
  const label = webhookLabel(url);
  return {
    async notify(n) {
      try {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(slackMessage(n)), signal: AbortSignal.timeout(timeoutMs) });
        if (!res.ok) onError(`${label} answered HTTP ${res.status}; the notice "${n.title}" was not delivered`);
      } catch (e) {
        const reason = e instanceof Error ? ((e.cause as NodeJS.ErrnoException | undefined)?.code ?? e.name) : 'error';
        onError(`${label} could not be reached (${String(reason)}); the notice "${n.title}" was not delivered`);
      }
    },
  };
}

export function allNotifiers(list: Notifier[]): Notifier {
  return { notify: async (n) => void (await Promise.all(list.map((x) => x.notify(n)))) };
}
