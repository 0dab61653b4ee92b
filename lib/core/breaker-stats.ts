import type { BreakerMode } from './breaker-events.js';
import type { CircuitState } from './circuit-state.js';

/**
 * A snapshot of one breaker's state and counters, returned by {@link Breaker.getStats}.
 *
 * It is a copy: later calls do not change it.
 */
export interface BreakerStats {
  /** The breaker's name. */
  readonly name: string;
  /** The state at the time of the snapshot. */
  readonly state: CircuitState;
  /** How the breaker treats calls: `normal` unless set by hand. */
  readonly mode: BreakerMode;
  /** Failures in a row while closed; cleared by a success. */
  readonly consecutiveFailures: number;
  /** Trial calls that succeeded in a row while half-open. */
  readonly trialSuccesses: number;
  /** Trial calls running now while half-open. */
  readonly trialsInFlight: number;
  /** Calls the breaker let through, less those released without an outcome. */
  readonly calls: number;
  /** Calls that succeeded. */
  readonly successes: number;
  /** Calls that failed and counted as failures. */
  readonly failures: number;
  /** Calls that threw an error the breaker's `isFailure` rule does not count. */
  readonly ignored: number;
  /** Calls refused without running (in metrics-only mode: would have been); not failures. */
  readonly rejections: number;
  /** Calls that ran past `callTimeout`; each is also counted in `failures`. */
  readonly timeouts: number;
  /** Calls that took longer than `slowCallDuration`. */
  readonly slowCalls: number;
  /**
   * What the rate rules read while closed: calls, failures and slow calls in the window (slow
   * calls still running included), or `null` when no rate rule is on.
   */
  readonly window: {
    readonly calls: number;
    readonly failures: number;
    readonly slowCalls: number;
  } | null;
  /** When the breaker last opened, in clock milliseconds, or `null` if it never did. */
  readonly openedAt: number | null;
  /** When a call last failed, in clock milliseconds, or `null` if none did. */
  readonly lastFailureAt: number | null;
  /** Milliseconds until a call would be allowed; 0 when one would be allowed now. */
  readonly timeUntilRetry: number;
}
