import { NestFactory } from '@nestjs/core';
import { circuitBreaker, ConsecutiveBreaker, handleAll } from 'cockatiel';
import Opossum from 'opossum';
import { Breaker, BreakerRegistry, CircuitBreakerModule } from 'nestjs-circuit-breaker';
import { NO_FAILURE_RATE_RULE, timeWindowOptions } from './rules.js';
import { work } from './subjects.js';

/**
 * What case (e) weighs, by row id. `open()` prepares a maker of breakers (an application,
 * say) and returns `create(i)`, the i-th breaker, and `close(breakers)`, which releases them;
 * `na` stands in for a rule the library does not have yet. The worker runs one entry per
 * process.
 */
export const HEAP_SUBJECTS = {
  'e.registry-consecutive': {
    label: 'e. heap/breaker: registry.get, consecutive',
    open: () => registryOf({ logger: false }),
  },
  'e.core-consecutive': {
    label: 'e. heap/breaker: new Breaker (no registry)',
    open: async () => ({ create: (i) => new Breaker(`b${i}`), close: () => {} }),
  },
  'e.registry-time-window':
    timeWindowOptions === null
      ? { label: 'e. heap/breaker: registry.get, time window', na: NO_FAILURE_RATE_RULE }
      : {
          label: 'e. heap/breaker: registry.get, time window',
          open: () => registryOf({ logger: false, defaults: timeWindowOptions() }),
        },
  'e.opossum': {
    label: 'e. heap/breaker: opossum, defaults',
    open: async () => ({
      create: () => new Opossum(work),
      // Each opossum breaker runs interval timers for its rolling statistics.
      close: (breakers) => breakers.forEach((breaker) => breaker.shutdown()),
    }),
  },
  'e.cockatiel': {
    label: 'e. heap/breaker: cockatiel, consecutive',
    open: async () => ({
      create: () =>
        circuitBreaker(handleAll, { halfOpenAfter: 30_000, breaker: new ConsecutiveBreaker(5) }),
      close: () => {},
    }),
  },
};

/** A Nest application context with the module configured so, and its registry's `get`. */
async function registryOf(options) {
  const app = await NestFactory.createApplicationContext(CircuitBreakerModule.forRoot(options), {
    logger: false,
  });
  const registry = app.get(BreakerRegistry);

  return { create: (i) => registry.get(`b${i}`), close: () => app.close() };
}
