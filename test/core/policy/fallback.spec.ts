import { jest } from '@jest/globals';

import {
  CallTimeoutError,
  CircuitOpenError,
  type BreakerOptions,
} from '../../../lib/core/index.js';
import { failTimes, failing, succeeding } from '../calls.js';
import { drivenBreaker, eventsOf, recordEvents, run } from './policy-breaker.js';

class ValidationError extends Error {}

/** A fallback that answers with a fixed value and records what it was given. */
const cachedAnswer = () => jest.fn((_error: unknown) => 'cached');

/** A breaker whose fallback is `fallback`, opened by one failure. */
function withFallback(fallback: BreakerOptions['fallback'], options: BreakerOptions = {}) {
  return drivenBreaker({ fallback, failureThreshold: 1, ...options });
}

describe('Breaker', () => {
  describe('fallback option', () => {
    describe('for a failed call', () => {
      it("resolves execute to the fallback's value", async () => {
        const { breaker } = withFallback(cachedAnswer());

        await expect(breaker.execute(failing())).resolves.toBe('cached');
      });

      it("passes the call's error as the first argument, once", async () => {
        const fallback = cachedAnswer();
        const { breaker } = withFallback(fallback);
        const error = new Error('boom');

        await breaker.execute(() => Promise.reject(error));

        expect(fallback.mock.calls).toEqual([[error]]);
      });

      it('answers a synchronous throw too', async () => {
        const fallback = cachedAnswer();
        const { breaker } = withFallback(fallback);

        const answer = await breaker.execute(() => {
          throw new Error('sync');
        });

        expect(answer).toBe('cached');
      });

      it('resolves to what a fallback returning a promise resolves to', async () => {
        const { breaker } = withFallback(() => Promise.resolve('from cache'));

        await expect(breaker.execute(failing())).resolves.toBe('from cache');
      });

      it('still counts the failure it answered for', async () => {
        const { breaker } = withFallback(cachedAnswer());

        await breaker.execute(failing());

        expect(breaker.getStats()).toMatchObject({ failures: 1, state: 'open' });
      });
    });

    describe('for a refused call', () => {
      it('answers with the CircuitOpenError as the first argument, without running fn', async () => {
        const fallback = cachedAnswer();
        const { breaker } = withFallback(fallback);
        await failTimes(breaker, 1);
        fallback.mockClear();
        const fn = jest.fn(succeeding());

        const answer = await breaker.execute(fn);

        expect({ answer, ran: fn.mock.calls.length, args: fallback.mock.calls }).toEqual({
          answer: 'cached',
          ran: 0,
          args: [[expect.any(CircuitOpenError)]],
        });
      });
    });

    describe('for a timed-out call', () => {
      it('answers with the CallTimeoutError as the first argument', async () => {
        const fallback = cachedAnswer();
        const { breaker, clock } = withFallback(fallback, { callTimeout: 100 });
        const { outcome } = run(breaker);

        clock.advance(100);

        expect(await outcome).toBe('cached');
        expect(fallback.mock.calls).toEqual([[expect.any(CallTimeoutError)]]);
      });
    });

    describe("when the fallback's own answer fails", () => {
      it('passes the error the fallback throws to the caller', async () => {
        const own = new Error('cache miss');
        const { breaker } = withFallback(() => {
          throw own;
        });

        await expect(breaker.execute(failing())).rejects.toBe(own);
      });

      it('passes the rejection of the promise the fallback returns to the caller', async () => {
        const own = new Error('cache miss');
        const { breaker } = withFallback(() => Promise.reject(own));

        await expect(breaker.execute(failing())).rejects.toBe(own);
      });

      it('passes the error the fallback throws for a synchronous throw to the caller', async () => {
        const own = new Error('cache miss');
        const { breaker } = withFallback(() => {
          throw own;
        });

        const outcome = breaker.execute(() => {
          throw new Error('sync');
        });

        await expect(outcome).rejects.toBe(own);
      });
    });

    describe('when it does not run', () => {
      it('does not run for an ignored error, which reaches the caller', async () => {
        const fallback = cachedAnswer();
        const { breaker } = withFallback(fallback, { ignoreErrors: [ValidationError] });
        const error = new ValidationError('bad input');

        await expect(breaker.execute(() => Promise.reject(error))).rejects.toBe(error);
        expect(fallback).not.toHaveBeenCalled();
      });

      it('does not run for a success, whose value reaches the caller', async () => {
        const fallback = cachedAnswer();
        const { breaker } = withFallback(fallback);

        await expect(breaker.execute(succeeding('fresh'))).resolves.toBe('fresh');
        expect(fallback).not.toHaveBeenCalled();
      });
    });

    describe('events', () => {
      it("emits a 'fallback' event with the error it answered for", async () => {
        const { breaker, clock } = withFallback(cachedAnswer());
        const events = recordEvents(breaker);
        const error = new Error('boom');
        clock.advance(5);

        await breaker.execute(() => Promise.reject(error));

        expect(eventsOf(events, 'fallback')).toEqual([
          { type: 'fallback', name: 'policy', at: 1_005, error },
        ]);
      });
    });
  });
});
