import {
  Breaker,
  type BreakerEvent,
  type BreakerOptions,
  type StateChange,
} from '../../../lib/core/index.js';
import { fakeClock, type FakeClock } from '../../support/fake-clock.js';
import { pending, start, type Pending } from '../calls.js';

/** Where every fake clock of these suites starts, on a bucket edge of the time windows used. */
export const START = 1_000;

/** The open timeout of the breakers built here, short enough to read in the tests. */
export const TIMEOUT = 1_000;

/** A breaker driven by a fake clock, with the clock at hand. */
export interface Driven {
  readonly breaker: Breaker;
  readonly clock: FakeClock;
}

/**
 * A breaker named `policy` on a fake clock starting at {@link START}, opening for
 * {@link TIMEOUT} ms; `options` add to or override that.
 */
export function drivenBreaker(options: BreakerOptions = {}): Driven {
  const clock = fakeClock(START);
  const breaker = new Breaker('policy', { clock, timeout: TIMEOUT, ...options });
  return { breaker, clock };
}

/** Collects every event the breaker emits from now on. */
export function recordEvents(breaker: Breaker): BreakerEvent[] {
  const events: BreakerEvent[] = [];
  breaker.onEvent((event) => events.push(event));
  return events;
}

/** Collects every state change the breaker reports from now on. */
export function recordChanges(breaker: Breaker): StateChange[] {
  const changes: StateChange[] = [];
  breaker.onStateChange((change) => changes.push(change));
  return changes;
}

/** The events of one type, narrowed to that type. */
export function eventsOf<Type extends BreakerEvent['type']>(
  events: readonly BreakerEvent[],
  type: Type,
): Array<Extract<BreakerEvent, { type: Type }>> {
  return events.filter(
    (event): event is Extract<BreakerEvent, { type: Type }> => event.type === type,
  );
}

/** A call running through the breaker until the test settles it. */
export interface Running<T = string> {
  /** Settles the call from the service's side. */
  readonly call: Pending<T>;
  /** What the caller of `execute` gets; marked handled, so an early failure crashes nothing. */
  readonly outcome: Promise<Awaited<T>>;
}

/** Starts a call that runs until the test settles it. */
export function run<T = string>(breaker: Breaker): Running<T> {
  const call = pending<T>();
  return { call, outcome: start(breaker, call) };
}

/**
 * Starts a call that takes exactly `ms` on the fake clock, then resolves it with `'ok'` (or
 * rejects it with `error`), and returns what the caller gets: the value or the rejection.
 */
export async function callTaking(
  { breaker, clock }: Driven,
  ms: number,
  error?: Error,
): Promise<unknown> {
  const { call, outcome } = run(breaker);
  clock.advance(ms);
  if (error === undefined) call.resolve('ok');
  else call.reject(error);
  return outcome.catch((reason: unknown) => reason);
}

/** Whether a promise is still pending once the microtasks queued so far have run. */
export async function isPending(promise: Promise<unknown>): Promise<boolean> {
  const marker = Symbol('pending');
  const settled = promise.then(
    () => 'settled',
    () => 'settled',
  );
  // setImmediate runs after every microtask already queued: no sleep, just one turn of the loop.
  const first = await Promise.race([
    settled,
    new Promise((resolve) => setImmediate(() => resolve(marker))),
  ]);
  return first === marker;
}

/** Runs `fn` and returns what it threw, failing the test if it threw nothing. */
export function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

/** Resolves to what a promise rejects with, failing the test if it fulfils. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${String(value)}`);
    },
    (reason: unknown) => reason,
  );
}
