/**
 * The three states of a circuit breaker.
 *
 * - `closed`: calls flow; consecutive failures are counted.
 * - `open`: calls are refused until the open timeout has passed.
 * - `half-open`: a limited number of trial calls decide whether to close or open again.
 */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** Why a breaker changed state. */
export type TransitionReason =
  /** Consecutive failures reached `failureThreshold` while closed. */
  | 'failure-threshold'
  /** Failed calls reached `failureRateThreshold` percent of the window while closed. */
  | 'failure-rate'
  /** Slow calls reached `slowCallRateThreshold` percent of the window while closed. */
  | 'slow-call-rate'
  /** The open `timeout` passed, so trial calls are allowed. */
  | 'timeout-elapsed'
  /** A trial call failed while half-open. */
  | 'trial-failed'
  /** `successThreshold` trial calls in a row succeeded. */
  | 'trials-succeeded'
  /** `reset()` was called. */
  | 'reset';

/** One state change of a breaker, as passed to its state-change listeners. */
export interface StateChange {
  /** The breaker's name. */
  readonly name: string;
  /** The state it left. */
  readonly from: CircuitState;
  /** The state it entered. */
  readonly to: CircuitState;
  /** What caused the change. */
  readonly reason: TransitionReason;
  /** When it happened, in the breaker clock's milliseconds. */
  readonly at: number;
  /** The error that caused the change, when a failure did. */
  readonly error?: unknown;
  /** For a change to `open`: milliseconds until trial calls are allowed. */
  readonly retryAfterMs?: number;
}

/** Receives a breaker's state changes; see {@link Breaker.onStateChange}. */
export type StateChangeListener = (change: StateChange) => void;
