/**
 * A deterministic classifier for what people write (tickets, chat, reports):
 * polarity and severity from word lists, relevance to a change from its
 * terms. Same text, same answer, so a verdict built on it can be replayed.
 */
export type Polarity = 'negative' | 'neutral' | 'positive';

export interface SignalClass {
  polarity: Polarity;
  /** 0 none, 1 minor, 2 something is wrong, 3 urgent (outage, money, data loss). */
  severity: 0 | 1 | 2 | 3;
  /** The words that decided it, for the evidence. */
  cues: string[];
}

const URGENT = ['outage', 'down for', 'data loss', 'lost data', 'lost all', 'disappeared', 'urgent', 'critical', 'emergency', 'overcharged', 'charged twice', 'refund', 'security', 'breach', 'sev1', 'p1', 'all customers', 'everyone', 'cannot log in', "can't log in", 'legal'];
const WRONG = ['wrong', 'incorrect', 'missing', 'broken', 'error', 'fails', 'failed', 'failing', 'failure', 'bug', 'not working', "doesn't work", 'does not work', 'cannot', "can't", 'unable', 'mismatch', 'inconsistent', 'shows the old', 'reverted', 'disappeared', 'blank', 'empty', 'crash', 'exception', '500'];
const MINOR = ['slow', 'confusing', 'weird', 'strange', 'odd', 'annoying', 'unexpected', 'changed', 'different', 'complain', 'issue', 'problem', 'glitch'];
const POSITIVE = ['thanks', 'thank you', 'works', 'working now', 'great', 'love', 'fixed', 'resolved', 'perfect', 'awesome', 'all good'];
/** Negations that turn a complaint word into praise ("no errors"). */
const NEGATED = /\b(no|not|never|without|zero)\s+(\w+\s+)?$/;

function normalise(text: string): string {
  return ` ${text.toLowerCase().replace(/[’`]/g, "'").replace(/[^a-z0-9' ]+/g, ' ').replace(/\s+/g, ' ')} `;
}

/** The cues of a list found in the text as whole words, skipping negated ones. */
function found(text: string, cues: string[]): string[] {
  return cues.filter((cue) => {
    const at = text.indexOf(` ${cue} `);
    return at >= 0 && !NEGATED.test(text.slice(0, at + 1));
  });
}

/**
 * Classify one message.
 * @example classifySignal('Tier shows Basic but we pay for Premium, this is wrong') // { polarity: 'negative', severity: 2, cues: ['wrong'] }
 */
export function classifySignal(body: string): SignalClass {
  const text = normalise(body);
  const urgent = found(text, URGENT);
  const wrong = found(text, WRONG);
  const minor = found(text, MINOR);
  const positive = found(text, POSITIVE);
  const negative = urgent.length + wrong.length + minor.length;
  if (!negative) return { polarity: positive.length ? 'positive' : 'neutral', severity: 0, cues: positive };
  // Praise next to a complaint ("thanks, but the tier is wrong") is still a complaint.
  const severity = urgent.length ? 3 : wrong.length ? 2 : 1;
  return { polarity: 'negative', severity, cues: [...urgent, ...wrong, ...minor] };
}

/** Words of a change a person would use about the data it touches: `end_date` → `end date`. */
export function termMatches(body: string, terms: string[]): string[] {
  const text = normalise(body);
  return terms.filter((t) => text.includes(` ${normalise(t).trim()} `));
}
