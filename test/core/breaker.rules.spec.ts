import { jest } from '@jest/globals';

import { Breaker, CircuitOpenError, type BreakerOptions } from '../../lib/core/index.js';
import { failTimes, pending, start, succeedTimes, succeeding } from './calls.js';
import { fakeClock, type FakeClock } from '../support/fake-clock.js';

const TIMEOUT = 1_000;

/** An isFailure rule that ignores TypeErrors and counts every other error. */
const notTypeError = (error: unknown) => !(error instanceof TypeError);

/** A breaker with a fake clock that one failure opens. */
function breakerWithClock(options: BreakerOptions = {}): { breaker: Breaker; clock: FakeClock } {
  const clock = fakeClock();
  const breaker = new Breaker('rules', {
    clock,
    failureThreshold: 1,
    timeout: TIMEOUT,
    ...options,
  });
  return { breaker, clock };
}

/** A breaker that has opened and whose timeout has passed, so it reads half-open. */
async function halfOpenBreaker(
  options: BreakerOptions = {},
): Promise<{ breaker: Breaker; clock: FakeClock }> {
  const made = breakerWithClock(options);
  await failTimes(made.breaker, 1);
  made.clock.advance(TIMEOUT);
  expect(made.breaker.state).toBe('half-open');
  return made;
}

describe('Breaker', () => {
  describe('rule 1: a success while closed clears the consecutive failure count', () => {
    it('resets consecutive failures to 0 on a success', async () => {
      const { breaker } = breakerWithClock({ failureThreshold: 3 });
      await failTimes(breaker, 2);

      await succeedTimes(breaker, 1);

      expect(breaker.getStats().consecutiveFailures).toBe(0);
    });

    it('needs the full threshold of new failures to open after a success', async () => {
      const { breaker } = breakerWithClock({ failureThreshold: 3 });
      await failTimes(breaker, 2);
      await succeedTimes(breaker, 1);

      await failTimes(breaker, 2);

      expect(breaker.state).toBe('closed');
    });
  });

  describe('rule 2: while half-open, at most halfOpenMaxCalls trial calls run at once', () => {
    it('refuses a call beyond the limit at once with CircuitOpenError, without running it', async () => {
      const { breaker } = await halfOpenBreaker({ halfOpenMaxCalls: 2 });
      const first = pending();
      const second = pending();
      const runs = [start(breaker, first), start(breaker, second)];
      const extra = jest.fn(succeeding());

      await expect(breaker.execute(extra)).rejects.toBeInstanceOf(CircuitOpenError);
      expect(extra).not.toHaveBeenCalled();

      first.resolve('a');
      second.resolve('b');
      await Promise.all(runs);
    });

    it('does not queue a refused call to run when a slot frees up', async () => {
      const { breaker } = await halfOpenBreaker({ halfOpenMaxCalls: 1, successThreshold: 5 });
      const trial = pending();
      const running = start(breaker, trial);
      const extra = jest.fn(succeeding());
      await breaker.execute(extra).catch(() => undefined);

      trial.resolve('done');
      await running;

      expect(extra).not.toHaveBeenCalled();
      expect(breaker.getStats()).toMatchObject({ trialsInFlight: 0, rejections: 1 });
    });

    it('counts the refused call as a rejection, not a trial', async () => {
      const { breaker } = await halfOpenBreaker({ halfOpenMaxCalls: 1 });
      const trial = pending();
      const running = start(breaker, trial);

      await breaker.execute(succeeding()).catch(() => undefined);

      expect(breaker.getStats()).toMatchObject({ trialsInFlight: 1, rejections: 1, calls: 2 });
      trial.resolve('done');
      await running;
    });
  });

  describe('rule 3: a failed trial re-opens the breaker with a fresh timeout', () => {
    it('re-opens on a trial failure', async () => {
      const { breaker } = await halfOpenBreaker();

      await failTimes(breaker, 1);

      expect(breaker.state).toBe('open');
    });

    it('measures the new timeout from the time the trial failed', async () => {
      const { breaker, clock } = await halfOpenBreaker();
      const trial = pending();
      const running = breaker.execute(() => trial.promise).catch(() => undefined);
      clock.advance(400);

      trial.reject(new Error('trial failed'));
      await running;

      expect(breaker.getTimeUntilRetry()).toBe(TIMEOUT);
      expect(breaker.getStats().openedAt).toBe(clock.now());
    });

    it('stays open until the fresh timeout passes, then reads half-open', async () => {
      const { breaker, clock } = await halfOpenBreaker();
      const trial = pending();
      const running = breaker.execute(() => trial.promise).catch(() => undefined);
      clock.advance(400);
      trial.reject(new Error('trial failed'));
      await running;

      clock.advance(TIMEOUT - 1);
      expect(breaker.state).toBe('open');

      clock.advance(1);
      expect(breaker.state).toBe('half-open');
    });
  });

  describe('rule 4: only trial calls move the breaker out of half-open', () => {
    it('does not close an open breaker on a late success from a call admitted while closed', async () => {
      const { breaker } = breakerWithClock();
      const slow = pending();
      const late = start(breaker, slow);
      await failTimes(breaker, 1);

      slow.resolve('late');
      await late;

      expect(breaker.state).toBe('open');
    });

    it('does not close a half-open breaker on a late success from a call admitted while closed', async () => {
      const { breaker, clock } = breakerWithClock({ successThreshold: 1 });
      const slow = pending();
      const late = start(breaker, slow);
      await failTimes(breaker, 1);
      clock.advance(TIMEOUT);
      expect(breaker.state).toBe('half-open');

      slow.resolve('late');
      await late;

      expect(breaker.state).toBe('half-open');
      expect(breaker.getStats()).toMatchObject({ trialSuccesses: 0, trialsInFlight: 0 });
    });

    it('still counts the late success in the totals', async () => {
      const { breaker } = breakerWithClock();
      const slow = pending();
      const late = start(breaker, slow);
      await failTimes(breaker, 1);

      slow.resolve('late');

      await expect(late).resolves.toBe('late');
      expect(breaker.getStats().successes).toBe(1);
    });

    it('does not restart the timeout on a late failure from a call admitted while closed', async () => {
      const { breaker, clock } = breakerWithClock({ failureThreshold: 1 });
      const slow = pending();
      const late = breaker.execute(() => slow.promise).catch(() => undefined);
      await failTimes(breaker, 1);
      const openedAt = breaker.getStats().openedAt;
      clock.advance(600);

      slow.reject(new Error('late'));
      await late;

      expect(breaker.getStats().openedAt).toBe(openedAt);
      expect(breaker.getTimeUntilRetry()).toBe(TIMEOUT - 600);
    });

    it('lets the breaker read half-open on schedule despite a late failure', async () => {
      const { breaker, clock } = breakerWithClock({ failureThreshold: 1 });
      const slow = pending();
      const late = breaker.execute(() => slow.promise).catch(() => undefined);
      await failTimes(breaker, 1);
      clock.advance(600);
      slow.reject(new Error('late'));
      await late;

      clock.advance(TIMEOUT - 600);

      expect(breaker.state).toBe('half-open');
    });

    it('does not re-open a half-open breaker on a late failure from a call admitted while closed', async () => {
      const { breaker, clock } = breakerWithClock();
      const slow = pending();
      const late = breaker.execute(() => slow.promise).catch(() => undefined);
      await failTimes(breaker, 1);
      clock.advance(TIMEOUT);
      expect(breaker.state).toBe('half-open');

      slow.reject(new Error('late'));
      await late;

      expect(breaker.state).toBe('half-open');
    });
  });

  describe('rule 5: every admitted trial call gives its slot back', () => {
    async function expectSlotFreed(breaker: Breaker): Promise<void> {
      expect(breaker.getStats().trialsInFlight).toBe(0);
      const next = jest.fn(succeeding('next'));
      await expect(breaker.execute(next)).resolves.toBe('next');
      expect(next).toHaveBeenCalledTimes(1);
    }

    it('on success', async () => {
      const { breaker } = await halfOpenBreaker({ successThreshold: 3 });

      await succeedTimes(breaker, 1);

      await expectSlotFreed(breaker);
    });

    it('on failure (the slot is free again in the next half-open)', async () => {
      const { breaker, clock } = await halfOpenBreaker();
      const trial = pending();
      const running = breaker.execute(() => trial.promise).catch(() => undefined);
      expect(breaker.getStats().trialsInFlight).toBe(1);

      trial.reject(new Error('trial failed'));
      await running;
      clock.advance(TIMEOUT);

      await expectSlotFreed(breaker);
    });

    it('on a synchronous throw (the slot is free again in the next half-open)', async () => {
      const { breaker, clock } = await halfOpenBreaker();

      await breaker
        .execute(() => {
          throw new Error('sync');
        })
        .catch(() => undefined);
      clock.advance(TIMEOUT);

      await expectSlotFreed(breaker);
    });

    it('on an error that isFailure ignores', async () => {
      const { breaker } = await halfOpenBreaker({ isFailure: notTypeError });

      await breaker.execute(() => Promise.reject(new TypeError('ignored'))).catch(() => undefined);

      await expectSlotFreed(breaker);
    });

    it('on a synchronous throw that isFailure ignores', async () => {
      const { breaker } = await halfOpenBreaker({ isFailure: notTypeError });

      await breaker
        .execute(() => {
          throw new TypeError('ignored');
        })
        .catch(() => undefined);

      await expectSlotFreed(breaker);
    });

    it('on permit.release()', async () => {
      const { breaker } = await halfOpenBreaker();
      const permit = breaker.acquire();
      expect(breaker.getStats().trialsInFlight).toBe(1);

      permit.release();

      await expectSlotFreed(breaker);
    });

    it('on permit.succeed()', async () => {
      const { breaker } = await halfOpenBreaker({ successThreshold: 3 });

      breaker.acquire().succeed();

      await expectSlotFreed(breaker);
    });

    it('on permit.fail() with an error that isFailure ignores', async () => {
      const { breaker } = await halfOpenBreaker({ isFailure: notTypeError });

      breaker.acquire().fail(new TypeError('ignored'));

      await expectSlotFreed(breaker);
    });
  });

  describe('rule 6: reset() returns the breaker to closed for good', () => {
    it('closes an open breaker', async () => {
      const { breaker } = breakerWithClock();
      await failTimes(breaker, 1);

      breaker.reset();

      expect(breaker.state).toBe('closed');
    });

    it('stays closed, not half-open, after the old timeout has passed', async () => {
      const { breaker, clock } = breakerWithClock();
      await failTimes(breaker, 1);
      breaker.reset();

      clock.advance(TIMEOUT * 2);

      expect(breaker.state).toBe('closed');
    });

    it('admits calls right away after a reset', async () => {
      const { breaker } = breakerWithClock();
      await failTimes(breaker, 1);
      breaker.reset();

      await expect(breaker.execute(succeeding('after reset'))).resolves.toBe('after reset');
    });

    it('clears every counter', async () => {
      const { breaker } = breakerWithClock({ failureThreshold: 3, isFailure: notTypeError });
      await succeedTimes(breaker, 1);
      await breaker.execute(() => Promise.reject(new TypeError('ignored'))).catch(() => undefined);
      await failTimes(breaker, 3);
      await breaker.execute(succeeding()).catch(() => undefined);

      breaker.reset();

      expect(breaker.getStats()).toEqual({
        name: 'rules',
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

    it('clears the consecutive failures of a closed breaker', async () => {
      const { breaker } = breakerWithClock({ failureThreshold: 3 });
      await failTimes(breaker, 2);

      breaker.reset();
      await failTimes(breaker, 2);

      expect(breaker.state).toBe('closed');
    });

    it('frees the trial slots of a half-open breaker', async () => {
      const { breaker, clock } = await halfOpenBreaker();
      const trial = pending();
      const running = start(breaker, trial);

      breaker.reset();
      await failTimes(breaker, 1);
      clock.advance(TIMEOUT);

      expect(breaker.getStats().trialsInFlight).toBe(0);
      await expect(breaker.execute(succeeding('trial'))).resolves.toBe('trial');
      trial.resolve('old');
      await running;
    });

    it('ignores the outcome of a call that was running when it was called', async () => {
      const { breaker } = breakerWithClock();
      const slow = pending();
      const running = breaker.execute(() => slow.promise).catch(() => undefined);

      breaker.reset();
      slow.reject(new Error('late'));
      await running;

      expect(breaker.state).toBe('closed');
    });
  });

  describe('isFailure', () => {
    const isFailure = notTypeError;

    it('lets an ignored error reach the caller unchanged', async () => {
      const { breaker } = breakerWithClock({ isFailure });
      const error = new TypeError('not a failure');

      await expect(breaker.execute(() => Promise.reject(error))).rejects.toBe(error);
    });

    it('lets an ignored synchronous throw reach the caller unchanged', async () => {
      const { breaker } = breakerWithClock({ isFailure });
      const error = new TypeError('not a failure');

      await expect(
        breaker.execute(() => {
          throw error;
        }),
      ).rejects.toBe(error);
    });

    it('counts an ignored error in ignored, not in failures', async () => {
      const { breaker } = breakerWithClock({ isFailure, failureThreshold: 3 });

      await breaker.execute(() => Promise.reject(new TypeError('x'))).catch(() => undefined);

      expect(breaker.getStats()).toMatchObject({
        ignored: 1,
        failures: 0,
        consecutiveFailures: 0,
        lastFailureAt: null,
      });
    });

    it('does not open the breaker on ignored errors', async () => {
      const { breaker } = breakerWithClock({ isFailure, failureThreshold: 1 });

      await breaker.execute(() => Promise.reject(new TypeError('x'))).catch(() => undefined);

      expect(breaker.state).toBe('closed');
    });

    it('does not clear the consecutive failure count on an ignored error', async () => {
      const { breaker } = breakerWithClock({ isFailure, failureThreshold: 3 });
      await failTimes(breaker, 2);

      await breaker.execute(() => Promise.reject(new TypeError('x'))).catch(() => undefined);

      expect(breaker.getStats().consecutiveFailures).toBe(2);
    });

    it('receives the error to judge', async () => {
      const judged: unknown[] = [];
      const { breaker } = breakerWithClock({
        isFailure: (error) => {
          judged.push(error);
          return true;
        },
      });
      const error = new Error('judge me');

      await breaker.execute(() => Promise.reject(error)).catch(() => undefined);

      expect(judged).toEqual([error]);
      expect(judged[0]).toBe(error);
    });

    it('keeps a half-open breaker half-open on an ignored trial error', async () => {
      const { breaker } = await halfOpenBreaker({ isFailure });

      await breaker.execute(() => Promise.reject(new TypeError('x'))).catch(() => undefined);

      expect(breaker.state).toBe('half-open');
    });

    describe('when isFailure itself throws', () => {
      const buggy = (error: unknown): boolean => {
        if (error instanceof RangeError) throw new Error('bug in isFailure');
        return true;
      };

      it('counts the error as a failure', async () => {
        const { breaker } = breakerWithClock({ isFailure: buggy, failureThreshold: 2 });

        await breaker.execute(() => Promise.reject(new RangeError('x'))).catch(() => undefined);

        expect(breaker.getStats()).toMatchObject({
          failures: 1,
          consecutiveFailures: 1,
          ignored: 0,
        });
      });

      it('hands the caller its own rejection, not the rule’s error', async () => {
        const { breaker } = breakerWithClock({ isFailure: buggy });
        const error = new RangeError('x');

        await expect(breaker.execute(() => Promise.reject(error))).rejects.toBe(error);
      });

      it('rejects with the caller’s own synchronous throw instead of throwing', async () => {
        const { breaker } = breakerWithClock({ isFailure: buggy });
        const error = new RangeError('x');
        let outcome: Promise<unknown> | undefined;

        expect(() => {
          outcome = breaker.execute(() => {
            throw error;
          });
        }).not.toThrow();
        await expect(outcome).rejects.toBe(error);
      });

      it('does not leave a half-open breaker refusing every call', async () => {
        const { breaker, clock } = await halfOpenBreaker({ isFailure: buggy });

        await breaker
          .execute(() => {
            throw new RangeError('x');
          })
          .catch(() => undefined);
        clock.advance(TIMEOUT);

        expect(breaker.getStats().trialsInFlight).toBe(0);
        await expect(breaker.execute(succeeding('next'))).resolves.toBe('next');
      });

      it('lets permit.fail() return normally', () => {
        const { breaker } = breakerWithClock({ isFailure: buggy });

        expect(() => breaker.acquire().fail(new RangeError('x'))).not.toThrow();
        expect(breaker.state).toBe('open');
      });
    });

    it('does not count an ignored trial error as a trial success', async () => {
      const { breaker } = await halfOpenBreaker({ isFailure, successThreshold: 1 });

      await breaker.execute(() => Promise.reject(new TypeError('x'))).catch(() => undefined);

      expect(breaker.getStats()).toMatchObject({
        state: 'half-open',
        trialSuccesses: 0,
        ignored: 1,
      });
    });
  });
});
