import type { BreakerOptions, ResolvedBreakerOptions } from './breaker-options.js';
import { assertBreakerName, isResolvedOptions, resolveBreakerOptions } from './breaker-options.js';
import type { BreakerPermit } from './breaker-permit.js';
import type { BreakerStats } from './breaker-stats.js';
import { CircuitOpenError } from './circuit-open.error.js';
import type { CircuitState, StateChangeListener, TransitionReason } from './circuit-state.js';

/**
 * What the breaker tracks in each state. Only the current phase's fields exist, so a counter
 * cannot leak from one state into the next.
 */
type Phase =
  | { readonly kind: 'closed'; failures: number }
  | { readonly kind: 'open'; readonly retryAt: number }
  | { readonly kind: 'half-open'; inFlight: number; successes: number };

/** @internal A call's admission: the epoch it was admitted in, or {@link REFUSED}. */
export type Ticket = number;

/** @internal The ticket of a refused call. */
export const REFUSED: Ticket = -1;

/**
 * While half-open with every trial slot busy, the breaker cannot know when a slot frees up;
 * callers are told to come back after this many milliseconds, about one trial's duration.
 */
const BUSY_TRIAL_RETRY_MS = 1_000;

/**
 * A named circuit breaker: closed, open and half-open states, framework-free.
 *
 * Every admitted call carries the epoch it was admitted in; the epoch moves on each state
 * change, so an outcome that arrives after the breaker changed state updates the totals but
 * never the state machine. That is what keeps a late success from closing an open breaker and
 * a late failure from restarting its timeout.
 *
 * The breaker holds no timer: the open timeout is checked whenever the breaker is used or read.
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
  private listeners: StateChangeListener[] | null = null;
  private observer: Observer | null = null;
  private refusalError: CircuitOpenError | null = null;

  private calls = 0;
  private successes = 0;
  private failures = 0;
  private ignored = 0;
  private rejections = 0;
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

  /**
   * Runs `fn` through the breaker and returns its result.
   *
   * A synchronous throw and a rejection both count as failures (unless `isFailure` says
   * otherwise) and reach the caller unchanged.
   *
   * @throws CircuitOpenError as a rejection when the breaker refuses the call; `fn` does not run.
   */
  execute<T>(fn: () => T | PromiseLike<T>): Promise<Awaited<T>> {
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
   * @internal Settles an admitted call when its promise settles, and returns the promise.
   *
   * It observes the caller's own native promise instead of chaining a new one: the outcome is
   * recorded before the caller resumes (reactions run in order), and a guarded call costs one
   * reaction more than a bare await, not a second promise to wait for.
   */
  watch<T>(ticket: Ticket, result: PromiseLike<T>): Promise<Awaited<T>> {
    const promise = (result instanceof Promise ? result : Promise.resolve(result)) as Promise<Awaited<T>>;
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

    return new Permit(this, ticket);
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
    this.settleSuccess(this.epoch);
  }

  /**
   * Records the failure of a call made by hand, against the current state. It counts whatever
   * the error is: the caller already decided it was a failure.
   */
  recordFailure(error?: unknown): void {
    this.settleFailure(this.epoch, error);
  }

  /**
   * Milliseconds until a call would be allowed: 0 when one would be allowed now, the rest of the
   * open timeout while open.
   */
  getTimeUntilRetry(): number {
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

    return {
      name: this.name,
      state: phase.kind,
      consecutiveFailures: phase.kind === 'closed' ? phase.failures : 0,
      trialSuccesses: phase.kind === 'half-open' ? phase.successes : 0,
      trialsInFlight: phase.kind === 'half-open' ? phase.inFlight : 0,
      calls: this.calls,
      successes: this.successes,
      failures: this.failures,
      ignored: this.ignored,
      rejections: this.rejections,
      openedAt: this.openedAt,
      lastFailureAt: this.lastFailureAt,
      timeUntilRetry: this.getTimeUntilRetry(),
    };
  }

  /**
   * Returns the breaker to closed with every counter cleared. Calls still running when it is
   * called cannot change the state afterwards.
   */
  reset(): void {
    const from = this.phase.kind;

    this.calls = 0;
    this.successes = 0;
    this.failures = 0;
    this.ignored = 0;
    this.rejections = 0;
    this.openedAt = null;
    this.lastFailureAt = null;
    this.moveTo({ kind: 'closed', failures: 0 }, from, 'reset');
    this.countedFrom = this.epoch;
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

  /** @internal Settles a permit's call as a success. */
  settleSuccess(ticket: Ticket): void {
    this.successes++;
    if (ticket !== this.epoch) return;

    const phase = this.phase;
    if (phase.kind === 'closed') {
      phase.failures = 0;
      return;
    }
    if (phase.kind !== 'half-open') return;

    // A success recorded by hand may come without allowRequest(); never go below zero.
    if (phase.inFlight > 0) phase.inFlight--;
    phase.successes++;
    if (phase.successes >= this.options.successThreshold) {
      this.moveTo({ kind: 'closed', failures: 0 }, 'half-open', 'trials-succeeded');
    }
  }

  /** @internal Settles a permit's call with an error, which `isFailure` may ignore. */
  settleError(ticket: Ticket, error: unknown): void {
    if (this.countsAsFailure(error)) {
      this.settleFailure(ticket, error);
      return;
    }

    this.ignored++;
    this.freeSlot(ticket);
  }

  /**
   * @internal Takes back an admission that produced no outcome: the trial slot is freed and
   * the call is not counted.
   */
  release(ticket: Ticket): void {
    // A reset since the admission already cleared the count.
    if (ticket >= this.countedFrom) this.calls--;
    this.freeSlot(ticket);
  }

  private freeSlot(ticket: Ticket): void {
    const phase = this.phase;
    if (ticket === this.epoch && phase.kind === 'half-open' && phase.inFlight > 0) phase.inFlight--;
  }

  /**
   * Asks `isFailure` about an error. A rule that throws counts the error as a failure: its bug
   * must not replace the caller's error, escape `execute()` synchronously or keep a trial slot.
   */
  private countsAsFailure(error: unknown): boolean {
    try {
      return this.options.isFailure(error);
    } catch {
      return true;
    }
  }

  private settleFailure(ticket: Ticket, error: unknown): void {
    this.failures++;
    this.lastFailureAt = this.options.clock.now();
    if (ticket !== this.epoch) return;

    const phase = this.phase;
    if (phase.kind === 'closed') {
      phase.failures++;
      if (phase.failures >= this.options.failureThreshold) this.open('closed', 'failure-threshold', error);
      return;
    }
    if (phase.kind === 'half-open') this.open('half-open', 'trial-failed', error);
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
      onRejected: (error: unknown) => this.settleError(ticket, error),
    };
    if (ticket === this.epoch) this.observer = observer;
    return observer;
  }

  /**
   * @internal Admits a call, returning its ticket, or counts a rejection and returns
   * {@link REFUSED}. The hot path reads the clock only while open.
   */
  admit(): Ticket {
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
    return REFUSED;
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
    this.openedAt = now;
    this.moveTo({ kind: 'open', retryAt: now + this.options.timeout }, from, reason, error);
  }

  /** The one place the state changes: a new epoch, then one event if the state differs. */
  private moveTo(next: Phase, from: CircuitState, reason: TransitionReason, error?: unknown): void {
    this.phase = next;
    this.epoch++;
    this.refusalError = null;
    if (from === next.kind || this.listeners === null) return;

    const change = {
      name: this.name,
      from,
      to: next.kind,
      reason,
      at: this.options.clock.now(),
      ...(error === undefined ? {} : { error }),
      ...(next.kind === 'open' ? { retryAfterMs: this.options.timeout } : {}),
    };
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch {
        // A listener's bug must not break the call that happened to trigger the change.
      }
    }
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
      const wait =
        phase.kind === 'open'
          ? () => Math.max(0, Math.ceil(phase.retryAt - this.options.clock.now()))
          : BUSY_TRIAL_RETRY_MS;
      return (this.refusalError = new CircuitOpenError(this.name, wait));
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}

/** Callbacks that settle the calls of one epoch when their promises settle. */
interface Observer {
  readonly ticket: Ticket;
  readonly onFulfilled: () => void;
  readonly onRejected: (error: unknown) => void;
}

/** Reports one call's outcome once, whatever way the call ends. */
class Permit implements BreakerPermit {
  private settled = false;

  constructor(
    private readonly breaker: Breaker,
    private readonly ticket: Ticket,
  ) {}

  succeed(): void {
    if (this.settle()) this.breaker.settleSuccess(this.ticket);
  }

  fail(error: unknown): void {
    if (this.settle()) this.breaker.settleError(this.ticket, error);
  }

  release(): void {
    if (this.settle()) this.breaker.release(this.ticket);
  }

  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    return true;
  }
}

/** @internal Whether a value has a callable `then`, as promises and promise-likes do. */
export function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | null)?.then === 'function';
}

function unreachable(phase: never): Error {
  return new Error(`Unknown breaker phase: ${JSON.stringify(phase)}`);
}
