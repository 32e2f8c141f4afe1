import { createHash } from 'node:crypto';
import { canonicalJson } from '@switchback/core';

export const GENESIS_HASH = '0'.repeat(64);

/** The hashed content of an event: everything but the hashes themselves. */
export interface EventBody {
  seq: number;
  at: string;
  change_id: string | null;
  phase: string | null;
  actor: string;
  action: string;
  outcome: string;
  sql: string | null;
  evidence: unknown;
}

/** hash = sha256(previous hash, newline, canonical body). */
export function eventHash(prevHash: string, body: EventBody): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(body)).digest('hex');
}
