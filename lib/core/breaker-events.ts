import type { StateChange } from './circuit-state.js';

/** Fields every breaker event has. */
interface EventBase {
  /** The breaker's name. */
  readonly name: string;
  /** When it happened, in the breaker clock's milliseconds. */
  readonly at: number;
}

/**
 * One thing that happened in a breaker, as passed to {@link Breaker.onEvent} listeners.
 * Durations are ms from the call's admission.
 */
export type BreakerEvent =
  /** A call succeeded. */
  | (EventBase & { readonly type: 'success'; readonly durationMs: number })
  /** A call failed and counted as a failure. */
  | (EventBase & { readonly type: 'failure'; readonly durationMs: number; readonly error: unknown })
  /** A call failed with an error the failure rules ignore. */
  | (EventBase & { readonly type: 'ignored'; readonly durationMs: number; readonly error: unknown })
  /** A call was refused; `enforced` is false in metrics-only mode, where the call runs anyway. */
  | (EventBase & { readonly type: 'refusal'; readonly enforced: boolean })
  /** A call ran past the call timeout; it also counts as a failure. */
  | (EventBase & { readonly type: 'timeout'; readonly timeoutMs: number })
  /** A call ran past `slowCallDuration`; `running` is true when it had not finished yet. */
  | (EventBase & { readonly type: 'slow'; readonly durationMs: number; readonly running: boolean })
  /** The fallback answered for a failed, refused or timed-out call. */
  | (EventBase & { readonly type: 'fallback'; readonly error: unknown })
  /** The breaker changed state. */
  | ({ readonly type: 'state-change' } & StateChange)
  /** The breaker was reset. */
  | (EventBase & { readonly type: 'reset' })
  /** The breaker's mode changed. */
  | (EventBase & {
      readonly type: 'mode-change';
      readonly from: BreakerMode;
      readonly to: BreakerMode;
    });

/** Receives a breaker's events; see {@link Breaker.onEvent}. */
export type BreakerEventListener = (event: BreakerEvent) => void;

/**
 * How a breaker treats calls, set by hand.
 *
 * - `normal`: the state machine decides.
 * - `forced-open`: every call is refused until the mode changes.
 * - `disabled`: every call runs; outcomes are counted in the stats but move no state.
 * - `metrics-only`: the state machine runs and reports what it would do, but never refuses.
 */
export type BreakerMode = 'normal' | 'forced-open' | 'disabled' | 'metrics-only';
