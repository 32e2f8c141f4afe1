import type { Plan } from '../plan/plan.js';

/** Words too common to tie a message to a change. */
const GENERIC = new Set(['id', 'support', 'data', 'table', 'the', 'from', 'into', 'to', 'and', 'of', 'on', 'customer', 'user', 'account', 'app', 'public']);

function words(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 2 && !GENERIC.has(w));
}

/**
 * The terms people would use when the data a change touches looks wrong:
 * the columns it moves (`tier`, `end date`, `end_date`) and the distinctive
 * words of the tables it starts from (`contract`). Sorted, without repeats.
 * @example changeTerms(plan) // ['contract', 'end date', 'tier', …]
 */
export function changeTerms(plan: Plan): string[] {
  const terms = new Set<string>();
  for (const t of plan.shapes.after) {
    for (const c of t.added ?? []) {
      terms.add(c.replace(/_/g, ' '));
      // A multi-word column's single words ("end", "date") are too common to mean it.
      if (c.includes('_')) terms.add(c);
      else for (const w of words(c)) terms.add(w);
    }
  }
  for (const t of plan.shapes.before) {
    const bare = t.table.split('.').pop()!;
    for (const w of words(bare)) terms.add(w);
  }
  return [...terms].sort();
}
