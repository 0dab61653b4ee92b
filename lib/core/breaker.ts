import type { BreakerEvent, BreakerEventListener, BreakerMode } from './breaker-events.js';
import type { BreakerOptions, ResolvedBreakerOptions } from './breaker-options.js';
import { assertBreakerName, isResolvedOptions, resolveBreakerOptions } from './breaker-options.js';
import type { BreakerPermit } from './breaker-permit.js';
import type { BreakerStats } from './breaker-stats.js';
import { CircuitOpenError } from './circuit-open.error.js';
import type {
  CircuitState,
  StateChange,
  StateChangeListener,
  TransitionReason,
} from './circuit-state.js';
import { Call, Permit, TimedPermit } from './breaker-call.js';
import { runWithCallSignal } from './call-signal.js';
import { countsAsFailure } from './error-rules.js';
import { openDuration } from './open-duration.js';
import type { OutcomeWindow } from './windows/index.js';
import { CountWindow, outcomeOf, TimeWindow } from './windows/index.js';

/**
 * What the breaker tracks in each state. Only the current phase's fields exist, so a counter
 * cannot leak from one state into the next.
 */
type Phase =
  | { readonly kind: 'closed'; failures: number }
  | { readonly kind: 'open'; readonly retryAt: number }
  | { readonly kind: 'half-open'; inFlight: number; successes: number };

/**
 * @internal A call's admission: the epoch it was admitted in (≥ 0), {@link REFUSED}, or
 * {@link UNTRACKED}.
 */
export type Ticket = number;

/** @internal The ticket of a refused call. */
export const REFUSED: Ticket = -1;

/**
 * @internal The ticket of a call that runs without the state machine: every call while
 * disabled, and a call metrics-only mode lets through where it would have refused.
 */
const UNTRACKED: Ticket = -2;

/**
 * While half-open with every trial slot busy, the breaker cannot know when a slot frees up;
 * callers are told to come back after this many milliseconds, about one trial's duration.
 */
const BUSY_TRIAL_RETRY_MS = 1_000;

/** @internal A fallback bound to one call's arguments. */
export type BoundFallback = ((error: unknown) => unknown) | null;

/**
 * A named circuit breaker: closed, open and half-open states, framework-free.
 *
 * Every admitted call carries the epoch it was admitted in; the epoch moves on each state
 * change, so an outcome that arrives after the breaker changed state updates the totals but
 * never the state machine. That is what keeps a late success from closing an open breaker and
 * a late failure from restarting its timeout.
 *
 * The open timeout needs no timer: it is checked whenever the breaker is used or read. Timers
 * (unref'd, from the clock) run only for call timeouts and slow-call detection, per call.
 *
 * @example
 * ```ts
 * const breaker = new Breaker('model-api', { failureThreshold: 3, timeout: 10_000 });
 * const answer = await breaker.execute(() => fetchCompletion(prompt));
 * ```
 */
export class Breaker {
  /** The options in force, with defaults applied. */
  readonly options: ResolvedBreakerOptions;

  private phase: Phase = { kind: 'closed', failures: 0 };
  private epoch = 0;
  /** The epoch of the last reset: admissions before it were cleared from the counters. */
  private countedFrom = 0;
  private currentMode: BreakerMode = 'normal';
  private listeners: StateChangeListener[] | null = null;
  private eventListeners: BreakerEventListener[] | null = null;
  private observer: Observer | null = null;
  private refusalError: CircuitOpenError | null = null;
  /** The sliding window of the rate rules; only when a rate rule is on. */
  private readonly window: OutcomeWindow | null;
  /** Calls admitted while closed that are still running past `slowCallDuration`. */
  private slowInFlight = 0;
  /** Trials that failed in a row since the breaker last closed; drives the backoff. */
  private failedTrials = 0;

  private calls = 0;
  private successes = 0;
  private failures = 0;
  private ignored = 0;
  private rejections = 0;
  private timeouts = 0;
  private slowCalls = 0;
  private openedAt: number | null = null;
  private lastFailureAt: number | null = null;

  /**
   * @param name - Identifies the breaker in errors, stats and events.
   * @param options - Overrides of {@link DEFAULT_BREAKER_OPTIONS}; checked here.
   * @throws TypeError or RangeError naming the option and its value when an option is invalid.
   */
  constructor(
    readonly name: string,
    options?: BreakerOptions | ResolvedBreakerOptions,
  ) {
    assertBreakerName(name);
    this.options = isResolvedOptions(options) ? options : resolveBreakerOptions(name, options);
    this.window = createWindow(this.options);
    this.plain = this.isPlain();
  }

  /** The current state; an open breaker whose timeout has passed reads as half-open. */
  get state(): CircuitState {
    return this.current().kind;
  }

  /** Whether calls are being refused until the open timeout passes. */
  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Whether calls flow normally. */
  get isClosed(): boolean {
    return this.state === 'closed';
  }

  /** Whether trial calls decide between closing and opening again. */
  get isHalfOpen(): boolean {
    return this.state === 'half-open';
  }

  /** How the breaker treats calls; see {@link BreakerMode}. */
  get mode(): BreakerMode {
    return this.currentMode;
  }

  /**
   * @internal Whether calls need per-call bookkeeping: timers, durations or a fallback. When
   * not, the hot path allocates nothing per call.
   */
  get needsCallState(): boolean {
    return !this.plain;
  }

  /**
   * @internal The opposite of {@link needsCallState}, kept as a field because the hot path reads
   * it on every call: the options never change, and only event listeners move it.
   */
  plain = true;

  /**
   * Runs `fn` through the breaker and returns its result.
   *
   * A synchronous throw and a rejection both count as failures (unless the failure rules say
   * otherwise) and reach the caller unchanged. With `callTimeout`, `fn` receives an AbortSignal
   * that is aborted when the call times out. With a `fallback`, a failed, refused or timed-out
   * call resolves to what it returns.
   *
   * @throws CircuitOpenError as a rejection when the breaker refuses the call; `fn` does not run.
   * @throws CallTimeoutError as a rejection when the call runs past `callTimeout`.
   */
  execute<T>(fn: (signal?: AbortSignal) => T | PromiseLike<T>): Promise<Awaited<T>> {
    if (!this.plain) {
      try {
        return Promise.resolve(this.invoke(fn, this.options.fallback, true) as T);
      } catch (error) {
        return Promise.reject(error);
      }
    }

    const ticket = this.admit();
    if (ticket === REFUSED) return Promise.reject(this.refusal());

    let result: T | PromiseLike<T>;
    try {
      result = fn();
    } catch (error) {
      this.settleError(ticket, error);
      return Promise.reject(error);
    }

    if (isThenable(result)) return this.watch(ticket, result);

    this.settleSuccess(ticket);
    return Promise.resolve(result as Awaited<T>);
  }

  /**
   * @internal Runs `fn` with per-call bookkeeping: durations, slow-call and call-timeout
   * timers, events and the fallback. A synchronous result stays synchronous; a promise is
   * replaced by one that settles exactly once, whichever comes first of the call and its
   * timeout. `deferred` marks results that are not outcomes yet (an unsubscribed stream): the
   * admission is taken back and the result returned as it is.
   *
   * @param refusalAsRejection - Reject rather than throw when the breaker refuses.
   */
  invoke(
    fn: (signal?: AbortSignal) => unknown,
    fallback: BoundFallback,
    refusalAsRejection: boolean,
    deferred?: (result: unknown) => boolean,
  ): unknown {
    const ticket = this.admit();
    if (ticket === REFUSED) {
      const refusal = this.refusal();
      if (fallback !== null) return this.runFallback(fallback, refusal, refusalAsRejection);
      if (refusalAsRejection) return Promise.reject(refusal);
      throw refusal;
    }

    const call = new Call(this, ticket);
    const signal = call.signal;
    let result: unknown;
    try {
      result = signal === undefined ? fn(undefined) : runWithCallSignal(signal, () => fn(signal));
    } catch (error) {
      if (call.finish(error, true) && fallback !== null)
        return this.runFallback(fallback, error, false);
      throw error;
    }

    if (deferred?.(result) === true) {
      call.abandon();
      return result;
    }
    if (!isThenable(result)) {
      call.finish(undefined, false);
      return result;
    }

    return new Promise((resolve, reject) => {
      call.onTimeout = (timeout) => {
        if (fallback === null) reject(timeout);
        else resolve(this.runFallback(fallback, timeout, true));
      };
      result.then(
        (value) => {
          // A result after the timeout changes nothing: the caller already has its answer.
          if (call.settled) return;
          call.finish(undefined, false);
          resolve(value);
        },
        (error: unknown) => {
          if (call.settled) return;
          const counted = call.finish(error, true);
          if (counted && fallback !== null) resolve(this.runFallback(fallback, error, true));
          else reject(error);
        },
      );
    });
  }

  /**
   * @internal Settles an admitted call when its promise settles, and returns the promise.
   *
   * It observes the caller's own native promise instead of chaining a new one: the outcome is
   * recorded before the caller resumes (reactions run in order), and a guarded call costs one
   * reaction more than a bare await, not a second promise to wait for.
   */
  watch<T>(ticket: Ticket, result: PromiseLike<T>): Promise<Awaited<T>> {
    const promise = (result instanceof Promise ? result : Promise.resolve(result)) as Promise<
      Awaited<T>
    >;
    const observer = this.observerFor(ticket);
    promise.then(observer.onFulfilled, observer.onRejected);
    return promise;
  }

  /**
   * Admits one call and returns a permit to report its outcome with.
   *
   * @throws CircuitOpenError when the breaker refuses the call.
   */
  acquire(): BreakerPermit {
    const ticket = this.admit();
    if (ticket === REFUSED) throw this.refusal();

    return !this.plain ? new TimedPermit(new Call(this, ticket)) : new Permit(this, ticket);
  }

  /**
   * Asks to make one call by hand. `true` admits it (taking a trial slot while half-open); report
   * its outcome with {@link recordSuccess} or {@link recordFailure}. `false` counts a rejection.
   */
  allowRequest(): boolean {
    return this.admit() !== REFUSED;
  }

  /** Records the success of a call made by hand, against the current state. */
  recordSuccess(): void {
    this.settleSuccess(this.trackedTicket());
  }

  /**
   * Records the failure of a call made by hand, against the current state. It counts whatever
   * the error is: the caller already decided it was a failure.
   */
  recordFailure(error?: unknown): void {
    this.settleFailure(this.trackedTicket(), error, false);
  }

  /**
   * Milliseconds until a call would be allowed: 0 when one would be allowed now, the rest of the
   * open timeout while open, `Infinity` while forced open.
   */
  getTimeUntilRetry(): number {
    if (this.currentMode === 'forced-open') return Infinity;
    if (this.currentMode !== 'normal') return 0;

    const phase = this.current();
    switch (phase.kind) {
      case 'closed':
        return 0;
      case 'open':
        return Math.max(0, Math.ceil(phase.retryAt - this.options.clock.now()));
      case 'half-open':
        return phase.inFlight < this.options.halfOpenMaxCalls ? 0 : BUSY_TRIAL_RETRY_MS;
      default:
        throw unreachable(phase);
    }
  }

  /** A copy of the breaker's state and counters. */
  getStats(): BreakerStats {
    const phase = this.current();
    const window = this.window;
    if (window !== null) window.advance(this.options.clock.now());

    return {
      name: this.name,
      state: phase.kind,
      mode: this.currentMode,
      consecutiveFailures: phase.kind === 'closed' ? phase.failures : 0,
      trialSuccesses: phase.kind === 'half-open' ? phase.successes : 0,
      trialsInFlight: phase.kind === 'half-open' ? phase.inFlight : 0,
      calls: this.calls,
      successes: this.successes,
      failures: this.failures,
      ignored: this.ignored,
      rejections: this.rejections,
      timeouts: this.timeouts,
      slowCalls: this.slowCalls,
      window:
        window === null
          ? null
          : {
              // Running slow calls are in the rate rules' denominator too (see checkRates).
              calls: window.calls + this.slowInFlight,
              failures: window.failures,
              slowCalls: window.slowCalls + this.slowInFlight,
            },
      openedAt: this.openedAt,
      lastFailureAt: this.lastFailureAt,
      timeUntilRetry: this.getTimeUntilRetry(),
    };
  }

  /**
   * Returns the breaker to closed with every counter cleared. Calls still running when it is
   * called cannot change the state afterwards. The mode stays as it was.
   */
  reset(): void {
    const from = this.phase.kind;

    this.calls = 0;
    this.successes = 0;
    this.failures = 0;
    this.ignored = 0;
    this.rejections = 0;
    this.timeouts = 0;
    this.slowCalls = 0;
    this.openedAt = null;
    this.lastFailureAt = null;
    // Closed by hand is closed: the next opening starts from the base timeout again.
    this.failedTrials = 0;
    this.moveTo({ kind: 'closed', failures: 0 }, from, 'reset');
    this.countedFrom = this.epoch;
    this.emit({ type: 'reset', name: this.name, at: this.options.clock.now() });
  }

  /**
   * Changes how the breaker treats calls, by hand: `forced-open` refuses every call,
   * `disabled` lets every call through and only counts, `metrics-only` runs the state machine
   * but never refuses, `normal` hands control back to the state machine.
   */
  setMode(mode: BreakerMode): void {
    if (!MODES.includes(mode)) throw new TypeError(unknownMode(this.name, mode));

    const from = this.currentMode;
    if (from === mode) return;

    this.currentMode = mode;
    this.refusalError = null;
    this.emit({
      type: 'mode-change',
      name: this.name,
      at: this.options.clock.now(),
      from,
      to: mode,
    });
  }

  /** Refuses every call until {@link setMode} is called with another mode. */
  forceOpen(): void {
    this.setMode('forced-open');
  }

  /** Lets every call through; outcomes are only counted. Undo with `setMode('normal')`. */
  disable(): void {
    this.setMode('disabled');
  }

  /**
   * Calls `listener` on every state change, synchronously, after the change. A listener that
   * throws does not disturb the breaker or the other listeners.
   *
   * @returns A function that removes the listener.
   */
  onStateChange(listener: StateChangeListener): () => void {
    // Most breakers get one listener (their registry's): an exact-size array keeps them small.
    if (this.listeners === null) this.listeners = [listener];
    else this.listeners.push(listener);

    return () => this.offStateChange(listener);
  }

  /** Removes a listener added with {@link onStateChange}; does nothing if it is not there. */
  offStateChange(listener: StateChangeListener): void {
    const index = this.listeners?.indexOf(listener) ?? -1;
    if (index >= 0) this.listeners!.splice(index, 1);
  }

  /**
   * Calls `listener` on every event: each call's outcome (with its duration), refusals,
   * timeouts, slow calls, fallbacks, state changes, resets and mode changes. While a listener is
   * attached, every call is timed, which costs a little per call.
   *
   * @returns A function that removes the listener.
   */
  onEvent(listener: BreakerEventListener): () => void {
    if (this.eventListeners === null) this.eventListeners = [listener];
    else this.eventListeners.push(listener);
    this.plain = false;

    return () => this.offEvent(listener);
  }

  /** Removes a listener added with {@link onEvent}; does nothing if it is not there. */
  offEvent(listener: BreakerEventListener): void {
    const index = this.eventListeners?.indexOf(listener) ?? -1;
    if (index >= 0) this.eventListeners!.splice(index, 1);
    // No listener left: calls go back to the allocation-free path.
    if (this.eventListeners?.length === 0) this.eventListeners = null;
    this.plain = this.isPlain();
  }

  private isPlain(): boolean {
    const { slowCallDuration, callTimeout, fallback } = this.options;
    return (
      this.eventListeners === null &&
      slowCallDuration === null &&
      callTimeout === null &&
      fallback === null
    );
  }

  /** @internal Settles an admitted call as a success. */
  settleSuccess(ticket: Ticket, slow = false): void {
    this.successes++;
    if (!this.movesState(ticket)) return;

    const phase = this.phase;
    if (phase.kind === 'closed') {
      phase.failures = 0;
      this.record(false, slow);
      return;
    }
    if (phase.kind !== 'half-open') return;

    // A success recorded by hand may come without allowRequest(); never go below zero.
    if (phase.inFlight > 0) phase.inFlight--;
    phase.successes++;
    if (phase.successes >= this.options.successThreshold) {
      this.failedTrials = 0;
      this.moveTo({ kind: 'closed', failures: 0 }, 'half-open', 'trials-succeeded');
    }
  }

  /**
   * @internal Settles an admitted call with an error, which the failure rules may ignore.
   *
   * @returns Whether the error counted as a failure.
   */
  settleError(ticket: Ticket, error: unknown, slow = false): boolean {
    if (countsAsFailure(this.options, error)) {
      this.settleFailure(ticket, error, slow);
      return true;
    }

    this.ignored++;
    this.freeSlot(ticket);
    return false;
  }

  /** @internal Settles an admitted call as a failure, bypassing the error rules. */
  settleFailureOf(ticket: Ticket, error: unknown, slow: boolean): void {
    this.settleFailure(ticket, error, slow);
  }

  /**
   * @internal Takes back an admission that produced no outcome: the trial slot is freed and
   * the call is not counted.
   */
  release(ticket: Ticket): void {
    // A reset since the admission already cleared the count.
    if (ticket >= this.countedFrom || ticket === UNTRACKED) this.calls--;
    this.freeSlot(ticket);
  }

  /**
   * @internal Admits a call, returning its ticket, or counts a rejection and returns
   * {@link REFUSED}. The hot path reads the clock only while open.
   */
  admit(): Ticket {
    if (this.currentMode !== 'normal') return this.admitByMode();

    const phase = this.phase.kind === 'open' ? this.current() : this.phase;
    switch (phase.kind) {
      case 'closed':
        this.calls++;
        return this.epoch;
      case 'half-open':
        if (phase.inFlight >= this.options.halfOpenMaxCalls) break;
        phase.inFlight++;
        this.calls++;
        return this.epoch;
      case 'open':
        break;
      default:
        throw unreachable(phase);
    }

    this.rejections++;
    this.emitRefusal(true);
    return REFUSED;
  }

  /**
   * @internal The error for a refused call. Refusals are routine while open, so each phase
   * builds one, without a stack trace (it would only point at the breaker), and every refusal
   * of that phase shares it; its `retryAfterMs` is read live.
   */
  refusal(): CircuitOpenError {
    if (this.refusalError !== null) return this.refusalError;

    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      const phase = this.phase;
      if (this.currentMode === 'forced-open') {
        return (this.refusalError = new CircuitOpenError(this.name, Infinity, 'forced-open'));
      }
      if (phase.kind !== 'open') {
        return (this.refusalError = new CircuitOpenError(
          this.name,
          BUSY_TRIAL_RETRY_MS,
          'trials-busy',
        ));
      }

      const wait = () => Math.max(0, Math.ceil(phase.retryAt - this.options.clock.now()));
      return (this.refusalError = new CircuitOpenError(this.name, wait));
    } finally {
      Error.stackTraceLimit = limit;
    }
  }

  /** @internal Counts a call that ran past `slowCallDuration` and is still running. */
  markSlowRunning(ticket: Ticket, durationMs: number): boolean {
    this.emit({
      type: 'slow',
      name: this.name,
      at: this.options.clock.now(),
      durationMs,
      running: true,
    });
    if (ticket !== this.epoch || this.phase.kind !== 'closed') return false;

    this.slowInFlight++;
    // No call was recorded since the window last moved: expire what time has dropped first.
    this.window?.advance(this.options.clock.now());
    this.checkRates(undefined);
    return true;
  }

  /** @internal Forgets a slow running call counted by {@link markSlowRunning} as it ends. */
  unmarkSlowRunning(ticket: Ticket): void {
    if (ticket === this.epoch && this.slowInFlight > 0) this.slowInFlight--;
  }

  /** @internal Counts a call that ran past its call timeout; it then settles as a failure. */
  countTimeout(timeoutMs: number): void {
    this.timeouts++;
    this.emit({ type: 'timeout', name: this.name, at: this.options.clock.now(), timeoutMs });
  }

  /** @internal Emits an outcome event, for calls settled with bookkeeping. */
  emitOutcome(type: 'success' | 'failure' | 'ignored', durationMs: number, error?: unknown): void {
    if (this.eventListeners === null) return;
    const at = this.options.clock.now();
    this.emit(
      type === 'success'
        ? { type, name: this.name, at, durationMs }
        : { type, name: this.name, at, durationMs, error },
    );
  }

  /** @internal Counts a completed slow call. */
  countSlow(durationMs: number, wasRunning: boolean): void {
    this.slowCalls++;
    if (!wasRunning)
      this.emit({
        type: 'slow',
        name: this.name,
        at: this.options.clock.now(),
        durationMs,
        running: false,
      });
  }

  private runFallback(
    fallback: (error: unknown) => unknown,
    error: unknown,
    asPromise: boolean,
  ): unknown {
    this.emit({ type: 'fallback', name: this.name, at: this.options.clock.now(), error });
    if (!asPromise) return fallback(error);

    return new Promise((resolve) => resolve(fallback(error)));
  }

  /**
   * Whether an outcome with this ticket may move the state machine: it must come from the
   * current phase, and the machine must not be paused by hand (disabled or forced open). A
   * paused machine only takes the trial slot back, so the state is where it was when the mode
   * returns to normal.
   */
  private movesState(ticket: Ticket): boolean {
    if (ticket !== this.epoch) return false;
    if (this.currentMode !== 'disabled' && this.currentMode !== 'forced-open') return true;

    this.freeSlot(ticket);
    return false;
  }

  /** The ticket manual records settle against: untracked while the mode bypasses the states. */
  private trackedTicket(): Ticket {
    if (this.currentMode !== 'normal' && this.currentMode !== 'metrics-only') return UNTRACKED;

    // Let a lapsed open timeout turn into half-open first, so the record counts as the trial
    // it is, whether or not anything read the breaker since.
    this.current();
    return this.epoch;
  }

  private admitByMode(): Ticket {
    switch (this.currentMode) {
      case 'forced-open':
        this.rejections++;
        this.emitRefusal(true);
        return REFUSED;
      case 'disabled':
        this.calls++;
        return UNTRACKED;
      case 'metrics-only': {
        const phase = this.phase.kind === 'open' ? this.current() : this.phase;
        if (
          phase.kind === 'closed' ||
          (phase.kind === 'half-open' && phase.inFlight < this.options.halfOpenMaxCalls)
        ) {
          if (phase.kind === 'half-open') phase.inFlight++;
          this.calls++;
          return this.epoch;
        }
        // Would refuse: count it as a rejection that was not enforced, and let it run untracked.
        this.rejections++;
        this.calls++;
        this.emitRefusal(false);
        return UNTRACKED;
      }
      default:
        return this.epoch;
    }
  }

  private emitRefusal(enforced: boolean): void {
    if (this.eventListeners !== null) {
      this.emit({ type: 'refusal', name: this.name, at: this.options.clock.now(), enforced });
    }
  }

  private freeSlot(ticket: Ticket): void {
    const phase = this.phase;
    if (ticket === this.epoch && phase.kind === 'half-open' && phase.inFlight > 0) phase.inFlight--;
  }

  private settleFailure(ticket: Ticket, error: unknown, slow: boolean): void {
    this.failures++;
    this.lastFailureAt = this.options.clock.now();
    if (!this.movesState(ticket)) return;

    const phase = this.phase;
    if (phase.kind === 'closed') {
      phase.failures++;
      const threshold = this.options.failureThreshold;
      if (threshold !== null && phase.failures >= threshold) {
        this.open('closed', 'failure-threshold', error);
        return;
      }
      this.record(true, slow, error);
      return;
    }
    if (phase.kind === 'half-open') {
      this.failedTrials++;
      this.open('half-open', 'trial-failed', error);
    }
  }

  /** Adds a closed-state outcome to the window and applies the rate rules. */
  private record(failed: boolean, slow: boolean, error?: unknown): void {
    const window = this.window;
    if (window === null) return;

    window.record(outcomeOf(failed, slow), this.options.clock.now());
    this.checkRates(error);
  }

  private checkRates(error: unknown): void {
    const window = this.window;
    if (window === null || this.phase.kind !== 'closed') return;

    const { failureRateThreshold, slowCallDuration, slowCallRateThreshold, minimumCalls } =
      this.options;
    const calls = window.calls + this.slowInFlight;
    if (calls < minimumCalls) return;

    if (failureRateThreshold !== null && (window.failures / calls) * 100 >= failureRateThreshold) {
      this.open('closed', 'failure-rate', error);
      return;
    }
    if (
      slowCallDuration !== null &&
      ((window.slowCalls + this.slowInFlight) / calls) * 100 >= slowCallRateThreshold
    ) {
      this.open('closed', 'slow-call-rate', error);
    }
  }

  /**
   * The settle callbacks for calls admitted in `ticket`'s epoch. Every call of an epoch shares
   * one pair, so the hot path allocates no closures; a new epoch builds a new pair.
   */
  private observerFor(ticket: Ticket): Observer {
    const cached = this.observer;
    if (cached !== null && cached.ticket === ticket) return cached;

    const observer: Observer = {
      ticket,
      onFulfilled: () => this.settleSuccess(ticket),
      onRejected: (error: unknown) => {
        this.settleError(ticket, error);
      },
    };
    if (ticket === this.epoch) this.observer = observer;
    return observer;
  }

  /** The phase after letting the open timeout lapse into half-open if it has passed. */
  private current(): Phase {
    const phase = this.phase;
    if (phase.kind === 'open' && this.options.clock.now() >= phase.retryAt) {
      this.moveTo({ kind: 'half-open', inFlight: 0, successes: 0 }, 'open', 'timeout-elapsed');
    }

    return this.phase;
  }

  private open(from: CircuitState, reason: TransitionReason, error: unknown): void {
    const now = this.options.clock.now();
    const duration = openDuration(this.options, this.failedTrials);
    this.openedAt = now;
    this.moveTo({ kind: 'open', retryAt: now + duration }, from, reason, error, duration);
  }

  /** The one place the state changes: a new epoch, then one event if the state differs. */
  private moveTo(
    next: Phase,
    from: CircuitState,
    reason: TransitionReason,
    error?: unknown,
    openMs?: number,
  ): void {
    this.phase = next;
    this.epoch++;
    this.refusalError = null;
    this.slowInFlight = 0;
    if (next.kind === 'closed') this.window?.reset();
    if (from === next.kind || (this.listeners === null && this.eventListeners === null)) return;

    const change: StateChange = {
      name: this.name,
      from,
      to: next.kind,
      reason,
      at: this.options.clock.now(),
      ...(error === undefined ? {} : { error }),
      ...(openMs === undefined ? {} : { retryAfterMs: openMs }),
    };
    if (this.listeners !== null) {
      for (const listener of [...this.listeners]) {
        try {
          listener(change);
        } catch {
          // A listener's bug must not break the call that happened to trigger the change.
        }
      }
    }
    this.emit({ type: 'state-change', ...change });
  }

  private emit(event: BreakerEvent): void {
    if (this.eventListeners === null) return;

    for (const listener of [...this.eventListeners]) {
      try {
        listener(event);
      } catch {
        // As with state listeners: an observer's bug must not break a call.
      }
    }
  }
}

/** Callbacks that settle the calls of one epoch when their promises settle. */
interface Observer {
  readonly ticket: Ticket;
  readonly onFulfilled: () => void;
  readonly onRejected: (error: unknown) => void;
}

const MODES: readonly BreakerMode[] = ['normal', 'forced-open', 'disabled', 'metrics-only'];

function unknownMode(name: string, mode: unknown): string {
  return `Circuit breaker ${JSON.stringify(name)}: unknown mode ${JSON.stringify(mode)}. Modes: ${MODES.join(', ')}.`;
}

function createWindow(options: ResolvedBreakerOptions): OutcomeWindow | null {
  if (options.failureRateThreshold === null && options.slowCallDuration === null) return null;

  const window = options.window;
  return 'calls' in window
    ? new CountWindow(window.calls)
    : new TimeWindow(window.ms, window.buckets);
}

/** @internal Whether a value has a callable `then`, as promises and promise-likes do. */
export function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | null)?.then === 'function';
}

function unreachable(phase: never): Error {
  return new Error(`Unknown breaker phase: ${JSON.stringify(phase)}`);
}
