/**
 * @internal The per-call side of a breaker: a call with bookkeeping (timers, signal, settling
 * once) and the permits handed out by `Breaker.acquire()`.
 */
import type { Breaker, Ticket } from './breaker.js';
import type { BreakerPermit } from './breaker-permit.js';
import { CallTimeoutError } from './call-timeout.error.js';
import { setUnrefTimer } from './clock.js';

/**
 * One admitted call with bookkeeping: its start time, its timers, its AbortSignal, and the
 * guarantee that it settles exactly once, whatever comes first.
 */
export class Call {
  settled = false;
  /** Set by the runner to answer the caller when the call times out. */
  onTimeout: ((timeout: CallTimeoutError) => void) | null = null;
  readonly signal: AbortSignal | undefined;

  private readonly start: number;
  private slowRunning = false;
  private slowCounted = false;
  private readonly controller: AbortController | null;
  private readonly cancelTimers: Array<() => void> = [];

  constructor(
    private readonly breaker: Breaker,
    private readonly ticket: Ticket,
  ) {
    const { clock, callTimeout, slowCallDuration } = breaker.options;
    const setTimer = clock.setTimer?.bind(clock) ?? setUnrefTimer;
    this.start = clock.now();

    this.controller = callTimeout === null ? null : new AbortController();
    this.signal = this.controller?.signal;
    if (callTimeout !== null)
      this.cancelTimers.push(setTimer(() => this.timeOut(callTimeout), callTimeout));
    if (slowCallDuration !== null) {
      this.cancelTimers.push(
        setTimer(() => {
          if (this.settled) return;
          this.slowRunning = true;
          this.slowCounted = breaker.markSlowRunning(ticket, slowCallDuration);
        }, slowCallDuration),
      );
    }
  }

  /**
   * Settles the call with an outcome, once.
   *
   * @returns For a failure, whether it counted as one (so a fallback may answer); for a success,
   * whether this was the settling outcome.
   */
  finish(error: unknown, failed: boolean, alwaysCounts = false): boolean {
    if (this.settled) return false;
    this.close();

    const { durationMs, slow } = this.measure();
    const breaker = this.breaker;
    if (!failed) {
      breaker.settleSuccess(this.ticket, slow);
      breaker.emitOutcome('success', durationMs);
      return true;
    }

    const counted = alwaysCounts
      ? (breaker.settleFailureOf(this.ticket, error, slow), true)
      : breaker.settleError(this.ticket, error, slow);
    breaker.emitOutcome(counted ? 'failure' : 'ignored', durationMs, error);
    return counted;
  }

  /** Takes the admission back: the result was not an outcome yet. */
  abandon(): void {
    if (this.settled) return;
    this.close();
    this.breaker.release(this.ticket);
  }

  private timeOut(timeoutMs: number): void {
    if (this.settled) return;

    const timeout = new CallTimeoutError(this.breaker.name, timeoutMs);
    this.breaker.countTimeout(timeoutMs);
    // The breaker's own timeout is a failure whatever the error rules say of other errors.
    this.finish(timeout, true, true);
    this.controller?.abort(timeout);
    this.onTimeout?.(timeout);
  }

  private close(): void {
    this.settled = true;
    for (const cancel of this.cancelTimers) cancel();
    if (this.slowCounted) this.breaker.unmarkSlowRunning(this.ticket);
  }

  private measure(): { durationMs: number; slow: boolean } {
    const durationMs = this.breaker.options.clock.now() - this.start;
    const threshold = this.breaker.options.slowCallDuration;
    const slow = this.slowRunning || (threshold !== null && durationMs >= threshold);
    if (slow) this.breaker.countSlow(durationMs, this.slowRunning);

    return { durationMs, slow };
  }
}

/** Reports one call's outcome once, whatever way the call ends. */
export class Permit implements BreakerPermit {
  readonly signal = undefined;
  private settled = false;

  constructor(
    private readonly breaker: Breaker,
    private readonly ticket: Ticket,
  ) {}

  succeed(): void {
    if (this.settle()) this.breaker.settleSuccess(this.ticket);
  }

  fail(error: unknown): boolean {
    return this.settle() && this.breaker.settleError(this.ticket, error);
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

/** A permit for breakers that time their calls and emit events. */
export class TimedPermit implements BreakerPermit {
  constructor(private readonly call: Call) {}

  get signal(): AbortSignal | undefined {
    return this.call.signal;
  }

  succeed(): void {
    this.call.finish(undefined, false);
  }

  fail(error: unknown): boolean {
    return this.call.finish(error, true);
  }

  release(): void {
    this.call.abandon();
  }
}
