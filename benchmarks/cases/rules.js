/**
 * Breaker rules that the library may gain later, each listed here once; the cases that measure
 * them read these lists and report "n/a" for a rule that has no entry.
 */

/** Why the rule cases have no figures today. */
export const NO_FAILURE_RATE_RULE = 'n/a: the library has no failure-rate rule yet';

/** Window sizes, in calls, the failure-rate rule is timed with. */
export const WINDOW_SIZES = [10, 1_000, 100_000];

/**
 * The library's failure-rate rule, as a factory of a breaker whose rule looks at the last
 * `window` calls, or `null` while the library has none. Supplying it enables case (d): a closed
 * call timed per window size, the window first filled.
 *
 * @type {null | ((window: number) => { execute(fn: () => unknown): Promise<unknown> })}
 */
export const failureRateBreaker = null;

/**
 * The same rule for case (e), as a factory of a registry breaker's options (time window), or
 * `null` while the library has none.
 *
 * @type {null | (() => object)}
 */
export const timeWindowOptions = null;
