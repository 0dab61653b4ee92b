import { circuitBreaker, CircuitState, ConsecutiveBreaker, handleAll } from 'cockatiel';
import Opossum from 'opossum';
import { Breaker } from 'nestjs-circuit-breaker';

/**
 * The three libraries' breakers, built the way each one's documentation shows, with failure
 * counting as close as each allows: five consecutive failures for ours and cockatiel; opossum
 * has only its percentage rule.
 */

/** How long an opened breaker stays open in the refusal cases: longer than the whole run. */
const HOUR_MS = 3_600_000;

let calls = 0;

/**
 * The one function every case calls: resolves at once and counts its runs, so a refusal case
 * can prove it never ran.
 */
export async function work() {
  calls++;
  return 42;
}

/** How many times {@link work} has run. */
export const workCalls = () => calls;

const fail = async () => {
  throw new Error('down');
};

/** Our core breaker with its defaults. */
export const ours = () => new Breaker('b');

/** Opossum with the call timeout off, so no timer is armed per call. */
export const opossumNoTimeout = () => new Opossum(work, { timeout: false });

/** Opossum with its defaults (a 10 s call timeout, armed and cleared on every call). */
export const opossumDefaults = () => new Opossum(work);

/** Cockatiel's circuit breaker policy on five consecutive failures. */
export const cockatiel = (halfOpenAfter = 30_000) =>
  circuitBreaker(handleAll, { halfOpenAfter, breaker: new ConsecutiveBreaker(5) });

/**
 * One breaker of each library, opened by real failures and kept open for an hour so that no
 * half-open trial lets a call through while the refusals are measured.
 */
export async function openBreakers() {
  const our = new Breaker('refusing', { timeout: HOUR_MS });
  for (let i = 0; i < our.options.failureThreshold; i++) await our.execute(fail).catch(() => {});

  // Opossum needs its own action to fail; `fire()` always runs the action it was built with.
  const opossum = new Opossum(async (shouldFail) => (shouldFail ? fail() : work()), {
    timeout: false,
    resetTimeout: HOUR_MS,
  });
  await opossum.fire(true).catch(() => {});

  const cockatielPolicy = cockatiel(HOUR_MS);
  for (let i = 0; i < 5; i++) await cockatielPolicy.execute(fail).catch(() => {});

  if (!our.isOpen || !opossum.opened || cockatielPolicy.state !== CircuitState.Open) {
    throw new Error('a breaker of the refusal cases did not open');
  }

  return { our, opossum, cockatiel: cockatielPolicy };
}

/** Whether each breaker is still in the state its case needs. */
export const isClosed = {
  ours: (breaker) => breaker.isClosed,
  opossum: (breaker) => breaker.closed,
  cockatiel: (policy) => policy.state === CircuitState.Closed,
};
