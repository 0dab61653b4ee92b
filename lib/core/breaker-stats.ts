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
  /** Calls refused without running; these are not failures. */
  readonly rejections: number;
  /** When the breaker last opened, in clock milliseconds, or `null` if it never did. */
  readonly openedAt: number | null;
  /** When a call last failed, in clock milliseconds, or `null` if none did. */
  readonly lastFailureAt: number | null;
  /** Milliseconds until a call would be allowed; 0 when one would be allowed now. */
  readonly timeUntilRetry: number;
}
