import {
  Breaker,
  CircuitOpenError,
  isCircuitOpenError,
  type BreakerOptions,
} from '../../lib/core/index.js';
import { failTimes } from './calls.js';
import { fakeClock, type FakeClock } from '../support/fake-clock.js';

const TIMEOUT = 1_000;

function breakerWithClock(options: BreakerOptions = {}): { breaker: Breaker; clock: FakeClock } {
  const clock = fakeClock();
  const breaker = new Breaker('manual', {
    clock,
    failureThreshold: 1,
    timeout: TIMEOUT,
    ...options,
  });
  return { breaker, clock };
}

function halfOpenBreaker(options: BreakerOptions = {}): { breaker: Breaker; clock: FakeClock } {
  const made = breakerWithClock(options);
  made.breaker.recordFailure(new Error('open'));
  made.clock.advance(TIMEOUT);
  expect(made.breaker.state).toBe('half-open');
  return made;
}

describe('Breaker', () => {
  describe('acquire()', () => {
    it('returns a permit while closed and counts the call', () => {
      const { breaker } = breakerWithClock();

      const permit = breaker.acquire();

      expect(typeof permit.succeed).toBe('function');
      expect(typeof permit.fail).toBe('function');
      expect(typeof permit.release).toBe('function');
      expect(breaker.getStats().calls).toBe(1);
    });

    it('throws CircuitOpenError synchronously while open', async () => {
      const { breaker } = breakerWithClock();
      await failTimes(breaker, 1);

      expect(() => breaker.acquire()).toThrow(CircuitOpenError);
    });

    it('counts a refused acquire as a rejection', async () => {
      const { breaker } = breakerWithClock();
      await failTimes(breaker, 1);

      expect(() => breaker.acquire()).toThrow();

      expect(breaker.getStats()).toMatchObject({ rejections: 1, calls: 1 });
    });

    it('throws CircuitOpenError when every trial slot is taken', () => {
      const { breaker } = halfOpenBreaker({ halfOpenMaxCalls: 1 });
      breaker.acquire();

      expect(() => breaker.acquire()).toThrow(CircuitOpenError);
    });

    it('takes a trial slot while half-open', () => {
      const { breaker } = halfOpenBreaker({ halfOpenMaxCalls: 2 });

      breaker.acquire();

      expect(breaker.getStats().trialsInFlight).toBe(1);
    });
  });

  describe('a permit', () => {
    it('counts succeed() as a success', () => {
      const { breaker } = breakerWithClock();

      breaker.acquire().succeed();

      expect(breaker.getStats().successes).toBe(1);
    });

    it('counts succeed() only once when called twice', () => {
      const { breaker } = breakerWithClock();
      const permit = breaker.acquire();

      permit.succeed();
      permit.succeed();

      expect(breaker.getStats().successes).toBe(1);
    });

    it('counts succeed() twice as one trial success', () => {
      const { breaker } = halfOpenBreaker({ successThreshold: 2, halfOpenMaxCalls: 2 });
      const permit = breaker.acquire();

      permit.succeed();
      permit.succeed();

      expect(breaker.getStats()).toMatchObject({ state: 'half-open', trialSuccesses: 1 });
    });

    it('counts fail() as a failure that can open the breaker', () => {
      const { breaker } = breakerWithClock();
      const error = new Error('failed');

      breaker.acquire().fail(error);

      expect(breaker.getStats()).toMatchObject({ state: 'open', failures: 1 });
    });

    it('counts fail() only once when called twice', () => {
      const { breaker } = breakerWithClock({ failureThreshold: 2 });
      const permit = breaker.acquire();

      permit.fail(new Error('one'));
      permit.fail(new Error('two'));

      expect(breaker.getStats()).toMatchObject({
        state: 'closed',
        failures: 1,
        consecutiveFailures: 1,
      });
    });

    it('ignores fail() after succeed()', () => {
      const { breaker } = breakerWithClock();
      const permit = breaker.acquire();

      permit.succeed();
      permit.fail(new Error('too late'));

      expect(breaker.getStats()).toMatchObject({ state: 'closed', successes: 1, failures: 0 });
    });

    it('ignores succeed() after release()', () => {
      const { breaker } = halfOpenBreaker({ successThreshold: 1 });
      const permit = breaker.acquire();

      permit.release();
      permit.succeed();

      expect(breaker.getStats()).toMatchObject({
        state: 'half-open',
        successes: 0,
        trialSuccesses: 0,
      });
    });

    it('gives its trial slot back only once on release() twice', () => {
      const { breaker } = halfOpenBreaker({ halfOpenMaxCalls: 2 });
      const first = breaker.acquire();
      breaker.acquire();

      first.release();
      first.release();

      expect(breaker.getStats().trialsInFlight).toBe(1);
    });

    it('counts nothing on release(), not even the call', () => {
      const { breaker } = breakerWithClock();

      breaker.acquire().release();

      expect(breaker.getStats()).toMatchObject({ calls: 0, successes: 0, failures: 0, ignored: 0 });
    });

    it('lets isFailure decide whether fail() counts', () => {
      const { breaker } = breakerWithClock({ isFailure: (error) => !(error instanceof TypeError) });

      breaker.acquire().fail(new TypeError('ignored'));

      expect(breaker.getStats()).toMatchObject({ state: 'closed', failures: 0, ignored: 1 });
    });
  });

  describe('allowRequest()', () => {
    it('returns true while closed and counts the call', () => {
      const { breaker } = breakerWithClock();

      expect(breaker.allowRequest()).toBe(true);
      expect(breaker.getStats().calls).toBe(1);
    });

    it('returns false while open and counts a rejection', () => {
      const { breaker } = breakerWithClock();
      breaker.recordFailure(new Error('open'));

      expect(breaker.allowRequest()).toBe(false);
      expect(breaker.getStats()).toMatchObject({ rejections: 1, failures: 1 });
    });

    it('returns true while half-open and takes a trial slot', () => {
      const { breaker } = halfOpenBreaker({ halfOpenMaxCalls: 1 });

      expect(breaker.allowRequest()).toBe(true);
      expect(breaker.getStats().trialsInFlight).toBe(1);
    });

    it('returns false while half-open once every trial slot is taken', () => {
      const { breaker } = halfOpenBreaker({ halfOpenMaxCalls: 1 });
      breaker.allowRequest();

      expect(breaker.allowRequest()).toBe(false);
      expect(breaker.getStats().rejections).toBe(1);
    });
  });

  describe('recordSuccess() and recordFailure()', () => {
    it('opens the breaker once recorded failures reach the threshold', () => {
      const { breaker } = breakerWithClock({ failureThreshold: 2 });

      breaker.recordFailure(new Error('one'));
      expect(breaker.state).toBe('closed');

      breaker.recordFailure(new Error('two'));
      expect(breaker.state).toBe('open');
    });

    it('clears consecutive failures on a recorded success', () => {
      const { breaker } = breakerWithClock({ failureThreshold: 2 });
      breaker.recordFailure(new Error('one'));

      breaker.recordSuccess();

      expect(breaker.getStats().consecutiveFailures).toBe(0);
    });

    it('closes a half-open breaker after successThreshold recorded trial successes', () => {
      const { breaker } = halfOpenBreaker({ successThreshold: 2 });

      breaker.allowRequest();
      breaker.recordSuccess();
      expect(breaker.state).toBe('half-open');

      breaker.allowRequest();
      breaker.recordSuccess();
      expect(breaker.state).toBe('closed');
    });

    it('gives the trial slot back on a recorded success', () => {
      const { breaker } = halfOpenBreaker({ successThreshold: 3 });
      breaker.allowRequest();

      breaker.recordSuccess();

      expect(breaker.getStats().trialsInFlight).toBe(0);
      expect(breaker.allowRequest()).toBe(true);
    });

    it('re-opens a half-open breaker on a recorded trial failure', () => {
      const { breaker } = halfOpenBreaker();
      breaker.allowRequest();

      breaker.recordFailure(new Error('trial'));

      expect(breaker.state).toBe('open');
      expect(breaker.getTimeUntilRetry()).toBe(TIMEOUT);
    });

    it('counts a recorded failure whatever isFailure says', () => {
      const { breaker } = breakerWithClock({ isFailure: () => false });

      breaker.recordFailure(new Error('counted'));

      expect(breaker.getStats()).toMatchObject({ state: 'open', failures: 1, ignored: 0 });
    });

    it('records the time of the last failure', () => {
      const { breaker, clock } = breakerWithClock({ failureThreshold: 5 });
      clock.advance(123);

      breaker.recordFailure();

      expect(breaker.getStats().lastFailureAt).toBe(clock.now());
    });
  });

  describe('getTimeUntilRetry()', () => {
    it('returns the rest of the open timeout while open', () => {
      const { breaker, clock } = breakerWithClock();
      breaker.recordFailure(new Error('open'));

      clock.advance(300);

      expect(breaker.getTimeUntilRetry()).toBe(TIMEOUT - 300);
    });

    it('returns 0 while half-open with a free trial slot', () => {
      const { breaker } = halfOpenBreaker();

      expect(breaker.getTimeUntilRetry()).toBe(0);
    });

    it('returns more than 0 while half-open with every trial slot taken', () => {
      const { breaker } = halfOpenBreaker({ halfOpenMaxCalls: 1 });
      breaker.allowRequest();

      expect(breaker.getTimeUntilRetry()).toBeGreaterThan(0);
    });

    it('matches the retryAfterMs of the error a refused call gets', () => {
      const { breaker, clock } = breakerWithClock();
      breaker.recordFailure(new Error('open'));
      clock.advance(250);

      let refusal: unknown;
      try {
        breaker.acquire();
      } catch (error) {
        refusal = error;
      }

      expect(isCircuitOpenError(refusal) && refusal.retryAfterMs).toBe(breaker.getTimeUntilRetry());
      expect(breaker.getTimeUntilRetry()).toBe(750);
    });
  });
});
