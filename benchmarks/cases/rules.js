import { Breaker } from 'nestjs-circuit-breaker';

/**
 * The breaker rules the rate cases measure, each listed here once; a case reports "n/a" for a
 * rule that has no entry.
 */

/** Why a rule case has no figures. */
export const NO_FAILURE_RATE_RULE = 'n/a: the library has no failure-rate rule';

/** Window sizes, in calls, the failure-rate rule is timed with. */
export const WINDOW_SIZES = [10, 1_000, 100_000];

/**
 * The library's failure-rate rule, as a factory of a breaker whose rule looks at the last
 * `window` calls, or `null` while the library has none. Supplying it enables case (d): a closed
 * call timed per window size, the window first filled.
 *
 * @type {null | ((window: number) => { execute(fn: () => unknown): Promise<unknown> })}
 */
export const failureRateBreaker = (window) =>
  new Breaker(`rate-${window}`, {
    failureRateThreshold: 50,
    minimumCalls: Math.min(window, 10),
    window: { calls: window },
  });

/**
 * The same rule for case (e), as a factory of a registry breaker's options (a one-minute time
 * window in 10 buckets), or `null` while the library has none.
 *
 * @type {null | (() => object)}
 */
export const timeWindowOptions = () => ({
  failureRateThreshold: 50,
  window: { ms: 60_000, buckets: 10 },
});
