import { jest } from '@jest/globals';

import {
  Breaker,
  CircuitOpenError,
  DEFAULT_BREAKER_OPTIONS,
  monotonicClock,
} from '../../lib/core/index.js';
import { failing, failTimes, pending, start, succeedTimes, succeeding } from './calls.js';
import { fakeClock } from '../support/fake-clock.js';

describe('Breaker', () => {
  describe('with default options', () => {
    it('uses failureThreshold 5, timeout 30000 ms, successThreshold 2 and halfOpenMaxCalls 1', () => {
      const breaker = new Breaker('defaults');

      expect(breaker.options).toMatchObject({
        failureThreshold: 5,
        timeout: 30_000,
        successThreshold: 2,
        halfOpenMaxCalls: 1,
      });
      expect(DEFAULT_BREAKER_OPTIONS).toMatchObject(breaker.options);
    });

    it('counts every error as a failure and reads the monotonic clock', () => {
      const breaker = new Breaker('defaults');

      expect(breaker.options.isFailure(new Error('any'))).toBe(true);
      expect(breaker.options.clock).toBe(monotonicClock);
    });

    it('stays closed after 4 consecutive failures', async () => {
      const breaker = new Breaker('defaults', { clock: fakeClock() });

      await failTimes(breaker, 4);

      expect(breaker.state).toBe('closed');
      expect(breaker.getStats().consecutiveFailures).toBe(4);
    });

    it('opens on the 5th consecutive failure', async () => {
      const breaker = new Breaker('defaults', { clock: fakeClock() });

      await failTimes(breaker, 5);

      expect(breaker.state).toBe('open');
    });

    it('stays open for 30000 ms, then allows a trial call', async () => {
      const clock = fakeClock();
      const breaker = new Breaker('defaults', { clock });
      await failTimes(breaker, 5);

      clock.advance(29_999);
      expect(breaker.state).toBe('open');

      clock.advance(1);
      expect(breaker.state).toBe('half-open');
    });

    it('closes after 2 trial successes', async () => {
      const clock = fakeClock();
      const breaker = new Breaker('defaults', { clock });
      await failTimes(breaker, 5);
      clock.advance(30_000);

      await succeedTimes(breaker, 1);
      expect(breaker.state).toBe('half-open');

      await succeedTimes(breaker, 1);
      expect(breaker.state).toBe('closed');
    });

    it('runs one trial call at a time while half-open', async () => {
      const clock = fakeClock();
      const breaker = new Breaker('defaults', { clock });
      await failTimes(breaker, 5);
      clock.advance(30_000);
      const trial = pending();

      const first = start(breaker, trial);
      const second = breaker.execute(succeeding());

      await expect(second).rejects.toBeInstanceOf(CircuitOpenError);
      trial.resolve('done');
      await expect(first).resolves.toBe('done');
    });
  });

  describe('execute()', () => {
    it('returns the value a synchronous function returns', async () => {
      const breaker = new Breaker('exec', { clock: fakeClock() });

      await expect(breaker.execute(() => 42)).resolves.toBe(42);
    });

    it('returns the value a promise resolves to', async () => {
      const breaker = new Breaker('exec', { clock: fakeClock() });

      await expect(breaker.execute(() => Promise.resolve({ answer: 42 }))).resolves.toEqual({
        answer: 42,
      });
    });

    it('rejects with the very error a synchronous throw raised', async () => {
      const breaker = new Breaker('exec', { clock: fakeClock() });
      const error = new Error('sync');

      const outcome = breaker.execute(() => {
        throw error;
      });

      await expect(outcome).rejects.toBe(error);
    });

    it('rejects with the very error a promise rejected with', async () => {
      const breaker = new Breaker('exec', { clock: fakeClock() });
      const error = new Error('async');

      await expect(breaker.execute(() => Promise.reject(error))).rejects.toBe(error);
    });

    it('passes non-Error rejections through unchanged', async () => {
      const breaker = new Breaker('exec', { clock: fakeClock() });
      const reason = { code: 'E_WEIRD' };

      await expect(breaker.execute(() => Promise.reject(reason))).rejects.toBe(reason);
    });

    it('counts a synchronous throw as a failure', async () => {
      const breaker = new Breaker('exec', { clock: fakeClock(), failureThreshold: 2 });

      await breaker
        .execute(() => {
          throw new Error('sync');
        })
        .catch(() => undefined);

      expect(breaker.getStats()).toMatchObject({ failures: 1, consecutiveFailures: 1 });
    });

    it('counts a rejection as a failure', async () => {
      const breaker = new Breaker('exec', { clock: fakeClock(), failureThreshold: 2 });

      await breaker.execute(failing()).catch(() => undefined);

      expect(breaker.getStats()).toMatchObject({ failures: 1, consecutiveFailures: 1 });
    });

    it('counts a returned value as a success', async () => {
      const breaker = new Breaker('exec', { clock: fakeClock() });

      await breaker.execute(() => 'value');
      await breaker.execute(succeeding());

      expect(breaker.getStats()).toMatchObject({ calls: 2, successes: 2, failures: 0 });
    });
  });

  describe('when open', () => {
    it('refuses calls with a CircuitOpenError without running them', async () => {
      const breaker = new Breaker('open', { clock: fakeClock(), failureThreshold: 1 });
      await failTimes(breaker, 1);
      const fn = jest.fn(() => 'ran');

      await expect(breaker.execute(fn)).rejects.toBeInstanceOf(CircuitOpenError);
      expect(fn).not.toHaveBeenCalled();
    });

    it('counts refused calls as rejections, not as calls or failures', async () => {
      const breaker = new Breaker('open', { clock: fakeClock(), failureThreshold: 1 });
      await failTimes(breaker, 1);

      await breaker.execute(succeeding()).catch(() => undefined);
      await breaker.execute(succeeding()).catch(() => undefined);

      expect(breaker.getStats()).toMatchObject({ rejections: 2, failures: 1, calls: 1 });
    });

    it('tells the refused caller how long to wait', async () => {
      const clock = fakeClock();
      const breaker = new Breaker('open', { clock, failureThreshold: 1, timeout: 5_000 });
      await failTimes(breaker, 1);
      clock.advance(2_000);

      await expect(breaker.execute(succeeding())).rejects.toMatchObject({
        breakerName: 'open',
        retryAfterMs: 3_000,
      });
    });
  });

  describe('state flags', () => {
    it('reads closed when new', () => {
      const breaker = new Breaker('flags', { clock: fakeClock() });

      expect([breaker.state, breaker.isClosed, breaker.isOpen, breaker.isHalfOpen]).toEqual([
        'closed',
        true,
        false,
        false,
      ]);
    });

    it('reads open after the failure threshold is reached', async () => {
      const breaker = new Breaker('flags', { clock: fakeClock(), failureThreshold: 1 });
      await failTimes(breaker, 1);

      expect([breaker.state, breaker.isClosed, breaker.isOpen, breaker.isHalfOpen]).toEqual([
        'open',
        false,
        true,
        false,
      ]);
    });

    it('reads half-open once the open timeout has passed', async () => {
      const clock = fakeClock();
      const breaker = new Breaker('flags', { clock, failureThreshold: 1, timeout: 100 });
      await failTimes(breaker, 1);
      clock.advance(100);

      expect([breaker.state, breaker.isClosed, breaker.isOpen, breaker.isHalfOpen]).toEqual([
        'half-open',
        false,
        false,
        true,
      ]);
    });
  });

  describe('getStats()', () => {
    it('reports every field of a new breaker', () => {
      const breaker = new Breaker('stats', { clock: fakeClock() });

      expect(breaker.getStats()).toEqual({
        name: 'stats',
        state: 'closed',
        mode: 'normal',
        consecutiveFailures: 0,
        trialSuccesses: 0,
        trialsInFlight: 0,
        calls: 0,
        successes: 0,
        failures: 0,
        ignored: 0,
        rejections: 0,
        timeouts: 0,
        slowCalls: 0,
        window: null,
        openedAt: null,
        lastFailureAt: null,
        timeUntilRetry: 0,
      });
    });

    it('reports every field of an open breaker', async () => {
      const clock = fakeClock(10_000);
      const breaker = new Breaker('stats', {
        clock,
        failureThreshold: 2,
        timeout: 1_000,
        isFailure: (error) => !(error instanceof TypeError),
      });
      await succeedTimes(breaker, 1);
      await breaker.execute(() => Promise.reject(new TypeError('ignored'))).catch(() => undefined);
      await failTimes(breaker, 1);
      clock.advance(5);
      await failTimes(breaker, 1);
      clock.advance(300);
      await breaker.execute(succeeding()).catch(() => undefined);

      expect(breaker.getStats()).toEqual({
        name: 'stats',
        state: 'open',
        mode: 'normal',
        consecutiveFailures: 0,
        trialSuccesses: 0,
        trialsInFlight: 0,
        calls: 4,
        successes: 1,
        failures: 2,
        ignored: 1,
        rejections: 1,
        timeouts: 0,
        slowCalls: 0,
        window: null,
        openedAt: 10_005,
        lastFailureAt: 10_005,
        timeUntilRetry: 700,
      });
    });

    it('reports trial successes and trials in flight while half-open', async () => {
      const clock = fakeClock();
      const breaker = new Breaker('stats', {
        clock,
        failureThreshold: 1,
        timeout: 100,
        successThreshold: 3,
        halfOpenMaxCalls: 2,
      });
      await failTimes(breaker, 1);
      clock.advance(100);
      await succeedTimes(breaker, 1);
      const trial = pending();
      const running = start(breaker, trial);

      expect(breaker.getStats()).toMatchObject({
        state: 'half-open',
        trialSuccesses: 1,
        trialsInFlight: 1,
      });

      trial.resolve('done');
      await running;
    });

    it('returns a snapshot that later calls do not change', async () => {
      const breaker = new Breaker('stats', { clock: fakeClock(), failureThreshold: 1 });
      const snapshot = breaker.getStats();

      await failTimes(breaker, 1);

      expect(snapshot).toMatchObject({ state: 'closed', calls: 0, failures: 0, openedAt: null });
      expect(breaker.getStats()).toMatchObject({ state: 'open', calls: 1, failures: 1 });
    });

    it('returns a copy whose mutation does not reach the breaker', () => {
      const breaker = new Breaker('stats', { clock: fakeClock() });
      const snapshot = breaker.getStats() as { -readonly [K in 'calls' | 'state']: unknown };

      snapshot.calls = 99;
      snapshot.state = 'open';

      expect(breaker.getStats()).toMatchObject({ calls: 0, state: 'closed' });
      expect(breaker.state).toBe('closed');
    });
  });

  describe('open timeout', () => {
    it('keeps the breaker open until the timeout has fully passed', async () => {
      const clock = fakeClock();
      const breaker = new Breaker('timeout', { clock, failureThreshold: 1, timeout: 1_000 });
      await failTimes(breaker, 1);

      clock.advance(999);

      expect(breaker.state).toBe('open');
      await expect(breaker.execute(succeeding())).rejects.toBeInstanceOf(CircuitOpenError);
    });

    it('admits a trial call once the timeout has passed', async () => {
      const clock = fakeClock();
      const breaker = new Breaker('timeout', { clock, failureThreshold: 1, timeout: 1_000 });
      await failTimes(breaker, 1);

      clock.advance(1_000);

      await expect(breaker.execute(succeeding('trial'))).resolves.toBe('trial');
    });

    it('counts the time until retry down with the clock', async () => {
      const clock = fakeClock();
      const breaker = new Breaker('timeout', { clock, failureThreshold: 1, timeout: 1_000 });
      await failTimes(breaker, 1);
      const seen: number[] = [];

      for (const step of [0, 250, 500, 249]) {
        clock.advance(step);
        seen.push(breaker.getTimeUntilRetry());
      }

      expect(seen).toEqual([1_000, 750, 250, 1]);
    });

    it('reports 0 ms until retry once a call would be allowed', async () => {
      const clock = fakeClock();
      const breaker = new Breaker('timeout', { clock, failureThreshold: 1, timeout: 1_000 });
      await failTimes(breaker, 1);

      clock.advance(1_000);

      expect(breaker.getTimeUntilRetry()).toBe(0);
      expect(breaker.getStats().timeUntilRetry).toBe(0);
    });

    it('reports 0 ms until retry while closed', () => {
      const breaker = new Breaker('timeout', { clock: fakeClock() });

      expect(breaker.getTimeUntilRetry()).toBe(0);
    });
  });

  describe('with successThreshold 3', () => {
    /** A breaker that opened after one failure and whose timeout has just passed. */
    async function halfOpenNeedingThree() {
      const clock = fakeClock();
      const breaker = new Breaker('trials', {
        clock,
        failureThreshold: 1,
        timeout: 100,
        successThreshold: 3,
      });
      await failTimes(breaker, 1);
      clock.advance(100);
      return { breaker, clock };
    }

    it('stays half-open after 2 trial successes', async () => {
      const { breaker } = await halfOpenNeedingThree();

      await succeedTimes(breaker, 2);

      expect(breaker.state).toBe('half-open');
      expect(breaker.getStats().trialSuccesses).toBe(2);
    });

    it('closes on the 3rd trial success in a row', async () => {
      const { breaker } = await halfOpenNeedingThree();

      await succeedTimes(breaker, 3);

      expect(breaker.state).toBe('closed');
    });

    it('starts counting trial successes again after a trial failure', async () => {
      const { breaker, clock } = await halfOpenNeedingThree();
      await succeedTimes(breaker, 2);
      await failTimes(breaker, 1);
      clock.advance(100);

      await succeedTimes(breaker, 2);

      expect(breaker.state).toBe('half-open');
      expect(breaker.getStats().trialSuccesses).toBe(2);
    });
  });

  describe('timers', () => {
    it('creates no timer when built and opened', async () => {
      const setTimeoutSpy = jest.spyOn(globalThis, 'setTimeout');
      const setIntervalSpy = jest.spyOn(globalThis, 'setInterval');
      try {
        const breaker = new Breaker('timers', { failureThreshold: 1, timeout: 60_000 });
        await failTimes(breaker, 1);

        expect(breaker.state).toBe('open');
        expect(setTimeoutSpy).not.toHaveBeenCalled();
        expect(setIntervalSpy).not.toHaveBeenCalled();
      } finally {
        setTimeoutSpy.mockRestore();
        setIntervalSpy.mockRestore();
      }
    });

    it('leaves no active handle behind when built and opened', async () => {
      const before = process.getActiveResourcesInfo();

      const breaker = new Breaker('timers', { failureThreshold: 1, timeout: 60_000 });
      await failTimes(breaker, 1);

      expect(breaker.state).toBe('open');
      expect(process.getActiveResourcesInfo()).toEqual(before);
    });
  });
});
