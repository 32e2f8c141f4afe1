import { changeTerms, termMatches, type SignalInput } from '@switchback/core';
import type { Db, Queryable } from '../db/db.js';
import { appendEvent, listChanges, type ChangeRow } from '../ledger/ledger-store.js';
import { flagStateAt } from './flag-history.js';
import { deterministicClassifier, type Classified, type Classifier } from './llm-classifier.js';

/** A signal at least this relevant to a change is correlated with it. */
export const CORRELATION_THRESHOLD = 0.35;
/** A transition this recent makes any message about the change's data suspect. */
export const RECENT_TRANSITION_MS = 24 * 3_600_000;

export interface Correlation {
  change: string;
  relevance: number;
  evidence: {
    time: { score: number; lastTransition: string | null; exposedPercent: number };
    tenant: { tenant: string | null; allowListed: boolean; percent: number; score: number };
    content: { terms: string[]; score: number };
  };
}

export interface RecordedSignal {
  id: number | null;
  /** Already recorded (same source and external id): not added again. */
  duplicate: boolean;
  at: string;
  tenant: string | null;
  body: string;
  classification: Classified;
  correlations: Correlation[];
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * How a message relates to one change: by time (was the change moving or
 * exposed then?), by tenant (was this tenant in the read flag's exposed
 * cohort at that moment?) and by content (does it name the change's data?).
 */
export async function correlate(db: Queryable, change: ChangeRow, s: SignalInput): Promise<Correlation | undefined> {
  const { rows } = await db.query<{ at: Date }>(
    `SELECT max(at) AS at FROM switchback.events WHERE change_id = $1 AND at <= $2 AND outcome = 'succeeded'
        AND action IN ('phase.forward', 'phase.backward', 'rollout.step', 'watch.rollback', 'flag.updated')`,
    [change.id, s.at],
  );
  const last = rows[0]?.at ? new Date(rows[0].at) : null;
  if (!last) return undefined; // nothing of the change had happened yet
  const flag = change.plan.phases.find((p) => p.rollout)?.rollout?.flag;
  const state = flag ? await flagStateAt(db, flag, s.at) : { enabled: false, percent: 0, allowTenants: [] };
  const exposed = state.enabled ? state.percent : 0;
  const recent = s.at.getTime() - last.getTime() <= RECENT_TRANSITION_MS;
  const time = recent ? 1 : exposed > 0 || (state.enabled && state.allowTenants.length) ? 0.5 : 0;
  if (time === 0) return undefined;
  const allowListed = !!s.tenant && state.enabled && state.allowTenants.includes(s.tenant);
  // Percentages bucket rows, not tenants: a tenant sees the new path on that share of its rows.
  const tenant = allowListed ? 1 : s.tenant ? exposed / 100 : 0.3 * (exposed > 0 ? 1 : 0);
  const terms = termMatches(s.body, changeTerms(change.plan));
  const content = Math.min(1, terms.length / 2);
  const relevance = round(0.3 * time + 0.3 * tenant + 0.4 * content);
  if (relevance < CORRELATION_THRESHOLD) return undefined;
  return {
    change: change.id,
    relevance,
    evidence: {
      time: { score: time, lastTransition: last.toISOString(), exposedPercent: exposed },
      tenant: { tenant: s.tenant ?? null, allowListed, percent: exposed, score: round(tenant) },
      content: { terms, score: content },
    },
  };
}

/**
 * Record messages people sent (deduplicated by source and external id),
 * classify each, and correlate it with every change it may be about.
 */
export async function recordSignals(db: Db, source: string, inputs: SignalInput[], actor: string, classify: Classifier = deterministicClassifier): Promise<RecordedSignal[]> {
  const changes = await listChanges(db);
  const out: RecordedSignal[] = [];
  for (const s of inputs) {
    const classification = await classify(s.body);
    const correlations: Correlation[] = [];
    for (const c of changes) {
      const r = await correlate(db, c, s);
      if (r) correlations.push(r);
    }
    const recorded = await db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: number }>(
        `INSERT INTO switchback.signals (source, external_id, at, tenant, author, body, polarity, severity, cues, classifier)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (source, external_id) DO NOTHING RETURNING id::int AS id`,
        [source, s.externalId ?? null, s.at, s.tenant ?? null, s.author ?? null, s.body, classification.polarity, classification.severity, classification.cues, classification.classifier],
      );
      const id = rows[0]?.id;
      if (id === undefined) return null;
      for (const c of correlations) {
        await tx.query(`INSERT INTO switchback.signal_correlations (signal_id, change_id, relevance, evidence) VALUES ($1, $2, $3, $4::jsonb)`, [id, c.change, c.relevance, JSON.stringify(c.evidence)]);
        if (classification.polarity === 'negative') {
          await appendEvent(tx, { change: c.change, actor, action: 'signal.correlated', outcome: 'info', evidence: { signal: id, source, at: s.at.toISOString(), tenant: s.tenant ?? null, severity: classification.severity, cues: classification.cues, classifier: classification.classifier, relevance: c.relevance, correlation: c.evidence } });
        }
      }
      return id;
    });
    out.push({ id: recorded, duplicate: recorded === null, at: s.at.toISOString(), tenant: s.tenant ?? null, body: s.body, classification, correlations: recorded === null ? [] : correlations });
  }
  return out;
}
