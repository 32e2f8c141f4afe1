/**
 * Evaluation throughput of one flag (a 25% rollout with one targeting rule:
 * plan in [gold, platinum] is on) in Switchback's FlagClient and in
 * unleash-client, bootstrapped offline with the same flag, in one process on
 * one core. Rounds alternate between the two after a warm-up of each; a
 * contender's figure is the median of its rounds.
 *
 * Rates are per second of the process's CPU time (process.cpuUsage, all its
 * threads, so garbage collection on helper threads counts): on a shared
 * machine the wall clock also counts the time the process waited for a core.
 * The wall-clock rates are printed beside them.
 */
import unleashClient from 'unleash-client';
import { median } from './stats.js';

const { Unleash, InMemStorageProvider } = unleashClient;

export const EVAL_FLAG = 'BenchCheckoutRedesign';
export const EVAL_ROLLOUT_PERCENT = 25;
export const EVAL_RULES = { rules: [{ attribute: 'plan', op: 'in', values: ['gold', 'platinum'], serve: true }] };

const PLANS = ['free', 'basic', 'gold', 'platinum', 'team'];
/** Distinct keys cycled through (a power of two, so the index is a mask): far more than any cache would hold per flag. */
const KEYS = 1 << 16;

/** The same flag as an Unleash feature: the rule as a constrained default strategy, then the rollout on the user id. */
function unleashFeature() {
  return {
    name: EVAL_FLAG,
    type: 'release',
    enabled: true,
    project: 'default',
    stale: false,
    impressionData: false,
    variants: [],
    strategies: [
      { name: 'default', parameters: {}, constraints: [{ contextName: 'plan', operator: 'IN', values: EVAL_RULES.rules[0].values }] },
      { name: 'flexibleRollout', parameters: { rollout: String(EVAL_ROLLOUT_PERCENT), stickiness: 'userId', groupId: EVAL_FLAG }, constraints: [] },
    ],
  };
}

/**
 * An Unleash client that never touches the network: no polling
 * (refreshInterval 0), no metrics, the feature from `bootstrap`, an
 * in-memory store instead of the backup file.
 */
async function offlineUnleash() {
  const unleash = new Unleash({
    appName: 'switchback-bench',
    url: 'http://127.0.0.1:9/unused/',
    refreshInterval: 0,
    disableMetrics: true,
    storageProvider: new InMemStorageProvider(),
    bootstrap: { data: [unleashFeature()] },
    skipInstanceCountWarning: true,
  });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('unleash-client did not load its bootstrap within 10 s')), 10_000);
    unleash.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
    unleash.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
  return unleash;
}

/** `n` evaluations of `isEnabled` over the key cycle: evaluations per CPU second and per wall second, share on. */
function timed(isEnabled, contexts, n) {
  const mask = contexts.length - 1;
  let on = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) if (isEnabled(contexts[i & mask])) on++;
  const cpu = process.cpuUsage(cpu0);
  const wall = (performance.now() - t0) / 1000;
  return { cpuRate: n / ((cpu.user + cpu.system) / 1e6), wallRate: n / wall, share: on / n };
}

/**
 * `flags` is a started FlagClient whose snapshot holds EVAL_FLAG. Returns
 * { ours, unleash, ratio } in evaluations per second.
 */
export async function runEvalBench(flags, print, { rounds, oursPerRound, unleashPerRound }) {
  const keys = Array.from({ length: KEYS }, (_, i) => `customer-${(i * 2_654_435_761) % 100_000_000}`);
  const ours = keys.map((key, i) => ({ key, attributes: { plan: PLANS[i % PLANS.length] } }));
  const theirs = keys.map((key, i) => ({ userId: key, properties: { plan: PLANS[i % PLANS.length] } }));
  const unleash = await offlineUnleash();
  try {
    const oursEval = (ctx) => flags.isEnabled(EVAL_FLAG, ctx);
    const theirsEval = (ctx) => unleash.isEnabled(EVAL_FLAG, ctx);
    timed(oursEval, ours, oursPerRound);
    timed(theirsEval, theirs, unleashPerRound);

    const runs = { ours: [], unleash: [] };
    for (let r = 0; r < rounds; r++) {
      // Alternate who goes first, so neither always runs on a warmer (or busier) machine.
      const order = r % 2 === 0 ? ['ours', 'unleash'] : ['unleash', 'ours'];
      for (const who of order) {
        runs[who].push(who === 'ours' ? timed(oursEval, ours, oursPerRound) : timed(theirsEval, theirs, unleashPerRound));
      }
    }
    // Both serve the rule's 40% of contexts plus a quarter of the rest: 55% on. A different share means a different flag.
    for (const [who, rs] of Object.entries(runs)) {
      const share = rs[0].share;
      print(`${who}_eval_share_on=${share.toFixed(4)}`);
      if (Math.abs(share - 0.55) > 0.01) throw new Error(`${who} served the flag to ${(share * 100).toFixed(2)}% of contexts, not about 55%: the two flags differ`);
      print(`${who}_eval_rounds_per_cpu_s=${rs.map((x) => Math.round(x.cpuRate)).join(',')}`);
      print(`${who}_eval_rounds_per_wall_s=${rs.map((x) => Math.round(x.wallRate)).join(',')}`);
    }
    const oursRate = median(runs.ours.map((x) => x.cpuRate));
    const theirsRate = median(runs.unleash.map((x) => x.cpuRate));
    print(`flag_evals_per_wall_s=${Math.round(median(runs.ours.map((x) => x.wallRate)))}`);
    print(`unleash_evals_per_wall_s=${Math.round(median(runs.unleash.map((x) => x.wallRate)))}`);
    print(`flag_evals_per_s=${Math.round(oursRate)}`);
    print(`unleash_evals_per_s=${Math.round(theirsRate)}`);
    print(`unleash_ratio=${(oursRate / theirsRate).toFixed(1)}`);
    return { ours: oursRate, unleash: theirsRate, ratio: oursRate / theirsRate };
  } finally {
    unleash.destroy();
  }
}
