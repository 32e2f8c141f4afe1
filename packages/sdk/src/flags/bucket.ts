import { murmur3_32 } from './murmur3.js';

/** Number of buckets; a rollout is expressed in basis points of this (10000 = 100%). */
export const BUCKET_COUNT = 10_000;

/**
 * The bucket (0..9999) of `key` for `flag`. A key is in a rollout of `r` basis
 * points iff `bucket(flag, key) < r`, so a key stays in as the rollout grows
 * (sticky, monotonic), and each flag spreads keys independently of other flags.
 *
 * @example
 * bucket('ReadContractDetailsFromCustomer', 'customer-42') < 2500; // in at 25%?
 */
export function bucket(flag: string, key: string): number {
  return murmur3_32(`${flag}:${key}`) % BUCKET_COUNT;
}
