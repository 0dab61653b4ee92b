/**
 * How one call ended, packed into two bits so a window can keep one byte per call instead of
 * one object per call.
 */

/** Bit set in an {@link Outcome} when the call counted as a failure. */
export const FAILED_FLAG = 0b01;

/** Bit set in an {@link Outcome} when the call took longer than the slow-call threshold. */
export const SLOW_FLAG = 0b10;

/**
 * The four outcomes a window records. A call can be slow whether it failed or not, so the two
 * facts are independent bits rather than one enumeration of exclusive states.
 */
export const Outcome = Object.freeze({
  /** Neither failed nor slow. */
  Success: 0,
  /** Failed, within the slow-call threshold. */
  Failure: FAILED_FLAG,
  /** Succeeded, but slowly. */
  Slow: SLOW_FLAG,
  /** Failed, and slowly. */
  SlowFailure: FAILED_FLAG | SLOW_FLAG,
} as const);

/** One of the values of {@link Outcome}: bit 0 is "failed", bit 1 is "slow". */
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/**
 * Packs the two facts about a call into an {@link Outcome}.
 *
 * @example `window.record(outcomeOf(error !== undefined, elapsedMs >= slowCallMs), now)`
 */
export function outcomeOf(failed: boolean, slow: boolean): Outcome {
  return ((failed ? FAILED_FLAG : 0) | (slow ? SLOW_FLAG : 0)) as Outcome;
}

/**
 * Tells whether a value is an {@link Outcome}; windows check this on every record because a
 * stray value would otherwise corrupt their running totals for good.
 */
export function isOutcome(value: unknown): value is Outcome {
  // One comparison covers non-numbers, NaN, fractions and bits beyond the two flags: each of
  // them changes when masked.
  return typeof value === 'number' && (value & (FAILED_FLAG | SLOW_FLAG)) === value;
}
