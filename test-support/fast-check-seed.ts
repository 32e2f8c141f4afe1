import fc from 'fast-check';

/**
 * In CI every property test replays the same inputs, so a red build always
 * means a change did it; locally each run explores new inputs (set
 * FAST_CHECK_SEED to replay one that failed).
 */
const seed = process.env.FAST_CHECK_SEED ?? (process.env.CI ? '20261124' : undefined);
if (seed !== undefined) fc.configureGlobal({ seed: Number(seed) });
