/**
 * A reference breaker: the product's rules restated as plainly as possible, to check the real
 * Breaker against. It is written from the rules, not from lib/, and favours being obviously
 * right over being fast: it owns its clock, its running calls and their call timeouts, and
 * moves from open to half-open the moment time reaches the end of the open timeout.
 *
 * The rules it follows:
 * - closed: `failureThreshold` failures in a row open it; a success clears the count; an
 *   ignored error changes no count.
 * - open: every call is refused (a rejection) until `timeout` ms have passed since opening;
 *   then it is half-open.
 * - half-open: at most `halfOpenMaxCalls` trial calls in flight, the rest refused at once;
 *   `successThreshold` trial successes close it; a failed trial opens it again with a fresh
 *   timeout; an ignored error frees its slot without counting as a success.
 * - Every change of state and every reset starts a new phase. Only outcomes of calls admitted
 *   in the current phase move the state machine; outcomes of older calls only add to totals.
 * - reset(): closed, every counter zero, the mode unchanged.
 * - Modes: forced-open refuses every call; disabled runs every call outside the state machine
 *   and only counts totals; metrics-only runs the state machine, but a call it would refuse
 *   runs anyway, counted as a rejection (and as a call) and outside the state machine.
 * - A call that runs `callTimeout` ms fails then (a timeout and a failure); what it does later
 *   changes nothing. A call that took `slowCallDuration` ms or more is slow.
 * - Records made by hand (recordSuccess/recordFailure) carry no admission: they count against
 *   the current phase when the mode runs the state machine (normal, metrics-only), and only in
 *   the totals otherwise.
 * - While forced open or disabled the state machine is paused: an outcome of a call admitted
 *   before only adds to the totals and gives back its trial slot.
 */

/** The three states of a breaker. */
export type ModelState = 'closed' | 'open' | 'half-open';

/** How the breaker treats calls, set by hand. */
export type ModelMode = 'normal' | 'forced-open' | 'disabled' | 'metrics-only';

/** How a call ended: an error the rules ignore is `ignored`. */
export type ModelOutcome = 'success' | 'failure' | 'ignored';

/** The options the model follows; durations in ms, `null` for a feature that is off. */
export interface ModelOptions {
  readonly failureThreshold: number;
  readonly successThreshold: number;
  readonly halfOpenMaxCalls: number;
  readonly timeout: number;
  readonly callTimeout: number | null;
  readonly slowCallDuration: number | null;
}

/** What the model says the breaker must report. */
export interface ModelSnapshot {
  readonly state: ModelState;
  readonly mode: ModelMode;
  readonly consecutiveFailures: number;
  readonly trialSuccesses: number;
  readonly trialsInFlight: number;
  readonly calls: number;
  readonly successes: number;
  readonly failures: number;
  readonly ignored: number;
  readonly rejections: number;
  readonly timeouts: number;
  readonly slowCalls: number;
  /**
   * Ms until a call would be allowed. `'busy'` while half-open with every trial slot taken: the
   * rules say a call is refused, not when a slot frees up, so any positive finite wait is right.
   */
  readonly timeUntilRetry: number | 'busy';
}

/** A call the model let run and the schedule has not settled yet. */
export interface ModelCall {
  /** The phase it was admitted in, or `null` when it runs outside the state machine. */
  readonly phase: number | null;
  readonly startedAt: number;
  /** Whether it already ended; a call that timed out stays with the schedule until settled. */
  ended: boolean;
}

/** An admission: whether the call runs, and the phase that owns its outcome. */
interface Admission {
  readonly runs: boolean;
  readonly phase: number | null;
}

const REFUSED: Admission = { runs: false, phase: null };
const UNTRACKED: Admission = { runs: true, phase: null };

/** The reference breaker; see the file's comment for the rules. */
export class ReferenceBreaker {
  /** The model's clock, in ms. */
  now: number;
  mode: ModelMode = 'normal';
  state: ModelState = 'closed';
  /** Numbers the phases: it moves on every change of state and every reset. */
  phase = 0;
  consecutiveFailures = 0;
  trialSuccesses = 0;
  trialsInFlight = 0;
  /** When the breaker last opened; read only while open. */
  openedAt = 0;

  /** Totals: only reset() clears them. */
  calls = 0;
  successes = 0;
  failures = 0;
  ignored = 0;
  rejections = 0;
  timeouts = 0;
  slowCalls = 0;

  /** Calls started and held by the schedule, oldest first. */
  readonly running: ModelCall[] = [];

  constructor(
    readonly options: ModelOptions,
    start: number,
  ) {
    this.now = start;
  }

  /** Starts a call that keeps running; returns whether it was admitted. */
  start(): boolean {
    const { runs, phase } = this.admit();
    if (runs) this.running.push({ phase, startedAt: this.now, ended: false });
    return runs;
  }

  /** Ends the running call at `index` with `outcome`; nothing happens if it already timed out. */
  settle(index: number, outcome: ModelOutcome): void {
    const [call] = this.running.splice(index, 1);
    if (call === undefined) throw new Error(`No running call at ${index}`);
    if (!call.ended) this.end(call, outcome);
  }

  /** A call that ends as soon as it starts; returns whether it was admitted. */
  callAndEnd(outcome: ModelOutcome): boolean {
    const { runs, phase } = this.admit();
    if (runs) this.end({ phase, startedAt: this.now, ended: false }, outcome);
    return runs;
  }

  /** Asks to make a call by hand; a `true` answer is an admission like any other. */
  allowRequest(): boolean {
    return this.admit().runs;
  }

  /** Records an outcome made by hand, against the current phase when the state machine runs. */
  record(outcome: 'success' | 'failure'): void {
    const tracked = this.mode === 'normal' || this.mode === 'metrics-only';
    this.count(tracked ? this.phase : null, outcome);
  }

  /** Moves time on, timing out running calls on the way, at the instant each one is due. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const next = this.nextTimeout(end);
      if (next === null) break;
      this.moveClockTo(next.startedAt + (this.options.callTimeout as number));
      this.timeouts++;
      this.end(next, 'failure');
    }
    this.moveClockTo(end);
  }

  /** Closed, with every counter cleared; the mode stays. */
  reset(): void {
    this.calls = 0;
    this.successes = 0;
    this.failures = 0;
    this.ignored = 0;
    this.rejections = 0;
    this.timeouts = 0;
    this.slowCalls = 0;
    this.enter('closed');
  }

  /** Changes only how calls are admitted: the state machine and its phase stay as they are. */
  setMode(mode: ModelMode): void {
    this.mode = mode;
  }

  /** What the breaker must report now. */
  snapshot(): ModelSnapshot {
    return {
      state: this.state,
      mode: this.mode,
      consecutiveFailures: this.consecutiveFailures,
      trialSuccesses: this.trialSuccesses,
      trialsInFlight: this.trialsInFlight,
      calls: this.calls,
      successes: this.successes,
      failures: this.failures,
      ignored: this.ignored,
      rejections: this.rejections,
      timeouts: this.timeouts,
      slowCalls: this.slowCalls,
      timeUntilRetry: this.timeUntilRetry(),
    };
  }

  private timeUntilRetry(): number | 'busy' {
    if (this.mode === 'forced-open') return Infinity;
    // These modes let every call run.
    if (this.mode === 'disabled' || this.mode === 'metrics-only') return 0;
    if (this.state === 'open') return this.openedAt + this.options.timeout - this.now;
    const slotsTaken = this.trialsInFlight >= this.options.halfOpenMaxCalls;
    if (this.state === 'half-open' && slotsTaken) return 'busy';
    return 0;
  }

  private admit(): Admission {
    if (this.mode === 'forced-open') {
      this.rejections++;
      return REFUSED;
    }
    if (this.mode === 'disabled') {
      this.calls++;
      return UNTRACKED;
    }

    if (this.state === 'closed') {
      this.calls++;
      return { runs: true, phase: this.phase };
    }
    if (this.state === 'half-open' && this.trialsInFlight < this.options.halfOpenMaxCalls) {
      this.trialsInFlight++;
      this.calls++;
      return { runs: true, phase: this.phase };
    }

    this.rejections++;
    if (this.mode === 'metrics-only') {
      this.calls++;
      return UNTRACKED;
    }
    return REFUSED;
  }

  private end(call: ModelCall, outcome: ModelOutcome): void {
    call.ended = true;
    const { slowCallDuration } = this.options;
    const tookMs = this.now - call.startedAt;
    if (slowCallDuration !== null && tookMs >= slowCallDuration) this.slowCalls++;
    this.count(call.phase, outcome);
  }

  /** Adds an outcome to the totals, and to the state machine when its phase is the current one. */
  private count(phase: number | null, outcome: ModelOutcome): void {
    if (outcome === 'success') this.successes++;
    else if (outcome === 'failure') this.failures++;
    else this.ignored++;

    if (phase !== this.phase) return;
    if (this.mode === 'forced-open' || this.mode === 'disabled') {
      if (this.state === 'half-open' && this.trialsInFlight > 0) this.trialsInFlight--;
      return;
    }

    if (this.state === 'closed') {
      if (outcome === 'success') this.consecutiveFailures = 0;
      if (outcome === 'failure') {
        this.consecutiveFailures++;
        if (this.consecutiveFailures >= this.options.failureThreshold) this.enter('open');
      }
      return;
    }

    if (this.state === 'half-open') {
      if (outcome === 'failure') {
        this.enter('open');
        return;
      }
      // A record by hand may come without an admission: there may be no slot to free.
      if (this.trialsInFlight > 0) this.trialsInFlight--;
      if (outcome === 'success') {
        this.trialSuccesses++;
        if (this.trialSuccesses >= this.options.successThreshold) this.enter('closed');
      }
    }
  }

  /** Starts a new phase in `state`, with that state's counters from zero. */
  private enter(state: ModelState): void {
    this.state = state;
    this.phase++;
    this.consecutiveFailures = 0;
    this.trialSuccesses = 0;
    this.trialsInFlight = 0;
    if (state === 'open') this.openedAt = this.now;
  }

  private moveClockTo(time: number): void {
    this.now = time;
    const openUntil = this.openedAt + this.options.timeout;
    if (this.state === 'open' && this.now >= openUntil) this.enter('half-open');
  }

  /** The running call whose timeout falls first, no later than `end`; the older one on a tie. */
  private nextTimeout(end: number): ModelCall | null {
    const { callTimeout } = this.options;
    if (callTimeout === null) return null;

    let next: ModelCall | null = null;
    for (const call of this.running) {
      const due = call.startedAt + callTimeout;
      if (call.ended || due > end) continue;
      if (next === null || due < next.startedAt + callTimeout) next = call;
    }
    return next;
  }
}
