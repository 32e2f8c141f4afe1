import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { describeImportProblem, parseSignalExport, type SignalInput } from '@switchback/core';
import { FeedbackTokenError, llmClassifier, MIN_FEEDBACK_TOKEN_LENGTH, recordSignals, startFeedbackServer, SwitchbackError, type Classifier, type RecordedSignal } from '@switchback/engine';
import { actorOf, outputOf, withLedger, type GlobalOptions } from '../cli-context.js';
import { paint, type Output } from '../output.js';

interface FeedbackOptions extends GlobalOptions {
  tenant?: string;
  author?: string;
  source?: string;
  at?: string;
  id?: string;
  import?: string;
  format?: 'csv' | 'json';
  listen?: string;
  llmUrl?: string;
  llmModel?: string;
}

export function feedbackCommand(program: Command): void {
  program
    .command('feedback')
    .argument('[text]', 'what a person said (a ticket, a chat message, a report)')
    .description('Record what people say about the product, classify it, and correlate it with the changes it may be about.')
    .option('--tenant <tenant>', 'the tenant it came from (checked against the read flag\'s exposed cohort at that moment)')
    .option('--author <name>', 'who said it')
    .option('--source <name>', 'where it came from, e.g. zendesk or slack (default: cli, or import:<file name>)')
    .option('--at <time>', 'when it was said, ISO 8601 (default: now)')
    .option('--id <external-id>', 'its id in the source system: recording it twice adds nothing')
    .option('--import <file>', 'import an export instead: CSV with a header row, or JSON')
    .option('--format <format>', 'csv or json (default: from the file extension)')
    .option('--llm-url <url>', 'also ask a language model through an OpenAI-compatible API (default: $SWITCHBACK_LLM_URL; off when unset; key in $SWITCHBACK_LLM_API_KEY)')
    .option('--llm-model <name>', 'the model to ask (default: $SWITCHBACK_LLM_MODEL)')
    .option('--listen <[host:]port>', 'serve POST /signals?source=NAME (JSON) until stopped; requires a bearer token in $SWITCHBACK_FEEDBACK_TOKEN (16+ characters)')
    .addHelpText('after', `
Each signal is classified (negative, neutral or positive; severity 0-3) by a
deterministic classifier and correlated with every change by time (was it
moving or exposed then?), tenant (was this tenant exposed?) and content (does
it name the change's data: "tier", "end date", "contract"). Correlated
negative signals pause the change's rollout and ask a person (switchback
watch); severity 3 rolls it back.

Imports map the usual columns: id/ticket_id, created_at/timestamp, tenant/
organization, author/requester, subject, body/text/description.

Examples:
  switchback feedback "Tier shows Basic but we pay for Premium" --tenant acme
  switchback feedback --import tickets.csv --source zendesk
  switchback feedback --import slack-export.json --json
  SWITCHBACK_FEEDBACK_TOKEN=… switchback feedback --listen 0.0.0.0:8088
  curl -H "Authorization: Bearer …" -d '{"text":"tier is wrong","tenant":"acme"}' localhost:8088/signals?source=intercom`)
    .action(async (text: string | undefined, options: FeedbackOptions, cmd: Command) => {
      const o = { ...cmd.optsWithGlobals<FeedbackOptions>(), ...options };
      const out = outputOf(o);
      const now = new Date();
      const classify = classifierOf(o, out);
      if (o.listen) return listen(o, out, classify);
      let inputs: SignalInput[];
      let source: string;
      if (o.import) {
        if (text) throw new SwitchbackError('Give either a text or --import FILE, not both.');
        const format = o.format ?? (/\.json$/i.test(o.import) ? 'json' : /\.csv$/i.test(o.import) ? 'csv' : undefined);
        if (format !== 'csv' && format !== 'json') throw new SwitchbackError(`Cannot tell the format of ${o.import}; add --format csv or --format json.`);
        let content: string;
        try {
          content = fs.readFileSync(o.import, 'utf8');
        } catch (e) {
          throw new SwitchbackError(`Cannot read ${o.import}: ${(e as NodeJS.ErrnoException).code ?? String(e)}.`);
        }
        const r = parseSignalExport(content, format, now);
        if (!r.ok) throw new SwitchbackError(`${o.import}: ${r.problems.slice(0, 10).map(describeImportProblem).join('; ')}${r.problems.length > 10 ? ` (and ${r.problems.length - 10} more)` : ''}. Nothing was imported.`);
        inputs = r.signals;
        source = o.source ?? `import:${path.basename(o.import)}`;
      } else {
        if (!text?.trim()) throw new SwitchbackError('Give what was said: switchback feedback "the end date is blank" --tenant acme (or --import FILE).');
        const at = o.at ? new Date(o.at) : now;
        if (Number.isNaN(at.getTime())) throw new SwitchbackError(`--at must be an ISO 8601 time such as 2026-03-02T10:00:00Z (got "${o.at}").`);
        inputs = [{ body: text.trim(), at, ...(o.tenant ? { tenant: o.tenant } : {}), ...(o.author ? { author: o.author } : {}), ...(o.id ? { externalId: o.id } : {}) }];
        source = o.source ?? 'cli';
      }
      const recorded = await withLedger(o, 'feedback', (db) => recordSignals(db, source, inputs, actorOf(o), classify));
      if (o.json) return out.out(JSON.stringify(recorded, null, 2));
      for (const r of recorded) renderSignal(out, r);
      const dupes = recorded.filter((r) => r.duplicate).length;
      if (recorded.length > 1 || dupes) out.out(`${recorded.length - dupes} recorded${dupes ? `, ${dupes} already known (same source and id)` : ''}, ${recorded.filter((r) => r.correlations.length).length} correlated with a change.`);
    });
}

/** The deterministic classifier, or a language model when one is configured (it falls back on any failure). */
function classifierOf(o: FeedbackOptions, out: Output): Classifier | undefined {
  const url = o.llmUrl ?? process.env.SWITCHBACK_LLM_URL;
  if (!url) return undefined;
  const model = o.llmModel ?? process.env.SWITCHBACK_LLM_MODEL;
  if (!/^https?:\/\//.test(url)) throw new SwitchbackError('--llm-url must be an http(s) URL of an OpenAI-compatible API, e.g. http://localhost:11434/v1.');
  if (!model) throw new SwitchbackError('A language model needs a name: --llm-model or SWITCHBACK_LLM_MODEL.');
  const apiKey = process.env.SWITCHBACK_LLM_API_KEY;
  return llmClassifier({ url, model, ...(apiKey ? { apiKey } : {}), onFallback: (m) => out.err(m) });
}

async function listen(o: FeedbackOptions, out: Output, classify: Classifier | undefined): Promise<void> {
  const m = /^(?:(.+):)?(\d{1,5})$/.exec(o.listen!);
  if (!m || Number(m[2]) > 65_535) throw new SwitchbackError(`--listen takes [host:]port, e.g. 8088 or 0.0.0.0:8088 (got "${o.listen}").`);
  const token = process.env.SWITCHBACK_FEEDBACK_TOKEN;
  const host = m[1] ?? '127.0.0.1';
  // Checked before the database opens: a misconfigured endpoint fails at once, with what to set.
  if (!token || token.length < MIN_FEEDBACK_TOKEN_LENGTH) throw new FeedbackTokenError(token?.length ?? 0);
  await withLedger(o, 'feedback --listen', async (db) => {
    const server = await startFeedbackServer(db, {
      port: Number(m[2]),
      host,
      actor: actorOf(o),
      token,
      ...(classify ? { classify } : {}),
      onRecorded: (source, signals) => out.err(`${new Date().toISOString()} ${signals.length} signal(s) from ${source}, ${signals.filter((s) => s.correlations.length).length} correlated`),
      onError: (message) => out.err(message),
    });
    out.err(`listening on ${server.url}/signals (bearer token required); stop with Ctrl-C`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
  });
}

function renderSignal(o: Output, r: RecordedSignal): void {
  const c = r.classification;
  const label = c.polarity === 'negative' ? paint(o, c.severity >= 2 ? 'red' : 'yellow', `negative, severity ${c.severity}`) : c.polarity;
  o.out(`${r.duplicate ? paint(o, 'gray', '(already recorded) ') : `#${r.id} `}${label}${c.cues.length ? ` (${c.cues.join(', ')})` : ''}${r.tenant ? `, tenant ${r.tenant}` : ''}: ${r.body.slice(0, 100)}`);
  for (const k of r.correlations) {
    const e = k.evidence;
    o.out(`  ↳ ${k.change} relevance ${k.relevance}: ${e.time.score === 1 ? `it moved at ${e.time.lastTransition}` : `exposed at ${e.time.exposedPercent}%`}; ${e.tenant.allowListed ? `${e.tenant.tenant} is allow-listed` : e.tenant.tenant ? `${e.tenant.tenant} sees the new path on ${e.tenant.percent}% of rows` : 'no tenant given'}; ${e.content.terms.length ? `mentions ${e.content.terms.join(', ')}` : 'names none of its data'}`);
  }
}
