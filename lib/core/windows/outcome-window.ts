import type { Outcome } from './outcome.js';

/** The calls a window holds, with how many of them failed and how many were slow. */
export interface WindowCounts {
  /** Calls in the window. */
  readonly calls: number;
  /** Calls in the window that failed (slow or not). */
  readonly failures: number;
  /** Calls in the window that were slow (failed or not). */
  readonly slowCalls: number;
}

/**
 * A sliding window over call outcomes, kept as running totals so a failure-rate or slow-call
 * rule can be checked after every call without scanning the window.
 *
 * Time comes only from the `now` arguments, in milliseconds from the caller's monotonic
 * clock. A `now` earlier than one already seen is taken as the latest one seen: the window
 * never moves backwards, so a clock hiccup cannot resurrect expired calls.
 *
 * The getters {@link calls}, {@link failures} and {@link slowCalls} read the totals as of the
 * latest `now` given to {@link record}, {@link advance} or {@link snapshot}; they allocate
 * nothing, which suits a check made after every call.
 */
export interface OutcomeWindow extends WindowCounts {
  /**
   * Adds one call's outcome at time `now`, first dropping what has left the window by then.
   *
   * Its cost does not grow with the window's size or traffic and it never scans the window;
   * each implementation states its exact bound.
   *
   * @throws TypeError when `outcome` is not an {@link Outcome}, or when a window that reads
   * time is given a `now` that is not finite.
   */
  record(outcome: Outcome, now: number): void;

  /**
   * Drops what has left the window by time `now`, so the getters describe the window as of
   * `now` without recording a call.
   *
   * @throws TypeError when a window that reads time is given a `now` that is not finite.
   */
  advance(now: number): void;

  /**
   * The window's counts as of time `now`, as a new object the window will not change.
   *
   * @throws TypeError when a window that reads time is given a `now` that is not finite.
   */
  snapshot(now: number): WindowCounts;

  /** Forgets every call, as if the window had just been built. */
  reset(): void;
}
