/** What one gate's evaluation found, before the gate's id and description are attached. */
export interface Verdict {
  verdict: 'pass' | 'fail' | 'inconclusive';
  /** One line a person can read: the numbers behind the verdict. */
  detail: string;
  evidence: Record<string, unknown>;
  /** When the gate will pass if nothing else changes (ISO time). */
  dueAt?: string;
}
