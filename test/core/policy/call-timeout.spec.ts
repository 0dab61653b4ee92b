import { jest } from '@jest/globals';

import {
  CallTimeoutError,
  isCallTimeoutError,
  type BreakerOptions,
} from '../../../lib/core/index.js';
import { pending } from '../calls.js';
import { drivenBreaker, recordEvents, rejectionOf, run } from './policy-breaker.js';

const CALL_TIMEOUT = 500;

/** A breaker with a call timeout whose calls run until the test settles them. */
function timedBreaker(options: BreakerOptions = {}) {
  return drivenBreaker({ callTimeout: CALL_TIMEOUT, failureThreshold: 5, ...options });
}

describe('Breaker', () => {
  describe('callTimeout', () => {
    describe('a call still running at callTimeout', () => {
      it('fails with a CallTimeoutError', async () => {
        const { breaker, clock } = timedBreaker();
        const { outcome } = run(breaker);

        clock.advance(CALL_TIMEOUT);

        await expect(outcome).rejects.toBeInstanceOf(CallTimeoutError);
      });

      it('fails with an error isCallTimeoutError recognises, naming the breaker and the timeout', async () => {
        const { breaker, clock } = timedBreaker();
        const { outcome } = run(breaker);

        clock.advance(CALL_TIMEOUT);

        const error = await rejectionOf(outcome);
        expect(isCallTimeoutError(error)).toBe(true);
        expect(error).toMatchObject({ breakerName: 'policy', timeoutMs: CALL_TIMEOUT });
      });

      it('is still running 1 ms before callTimeout', async () => {
        const { breaker, clock } = timedBreaker();
        const { call, outcome } = run(breaker);
        clock.advance(CALL_TIMEOUT - 1);

        call.resolve('in time');

        await expect(outcome).resolves.toBe('in time');
      });

      it('counts as a failure and as a timeout', async () => {
        const { breaker, clock } = timedBreaker();
        const { outcome } = run(breaker);

        clock.advance(CALL_TIMEOUT);
        await outcome.catch(() => undefined);

        expect(breaker.getStats()).toMatchObject({
          calls: 1,
          failures: 1,
          timeouts: 1,
          successes: 0,
        });
      });

      // Known gap, reported: the timeout error goes through the error rules, so an isFailure
      // (or ignoreErrors) that rejects it counts the timeout as ignored, while stats.timeouts
      // says every timeout is also a failure; the fallback still answers for it.
      it('counts as a failure even when isFailure rejects every error', async () => {
        const { breaker, clock } = timedBreaker({ isFailure: () => false });
        const { outcome } = run(breaker);

        clock.advance(CALL_TIMEOUT);
        await outcome.catch(() => undefined);

        expect(breaker.getStats()).toMatchObject({ failures: 1, timeouts: 1, ignored: 0 });
      });

      it('opens the breaker like any other failure', async () => {
        const { breaker, clock } = timedBreaker({ failureThreshold: 1 });
        run(breaker);

        clock.advance(CALL_TIMEOUT);

        expect(breaker.state).toBe('open');
      });

      it('aborts the AbortSignal fn received, at that moment, with the timeout error as reason', async () => {
        const { breaker, clock } = timedBreaker();
        let signal: AbortSignal | undefined;
        const outcome = breaker.execute((given) => {
          signal = given;
          return pending().promise;
        });
        outcome.catch(() => undefined);
        expect(signal?.aborted).toBe(false);

        clock.advance(CALL_TIMEOUT);

        expect(signal?.aborted).toBe(true);
        expect(signal?.reason).toBe(await rejectionOf(outcome));
      });
    });

    describe('an outcome arriving after the timeout', () => {
      it.each([
        ['a result', (call: ReturnType<typeof pending>) => call.resolve('late')],
        ['an error', (call: ReturnType<typeof pending>) => call.reject(new Error('late'))],
      ])('changes no counter when it is %s', async (_label, settle) => {
        const { breaker, clock } = timedBreaker();
        const { call, outcome } = run(breaker);
        clock.advance(CALL_TIMEOUT);
        await outcome.catch(() => undefined);
        const before = breaker.getStats();

        settle(call);
        await call.promise.catch(() => undefined);

        expect(breaker.getStats()).toEqual(before);
      });

      it.each([
        ['a result', (call: ReturnType<typeof pending>) => call.resolve('late')],
        ['an error', (call: ReturnType<typeof pending>) => call.reject(new Error('late'))],
      ])('emits no event when it is %s', async (_label, settle) => {
        const { breaker, clock } = timedBreaker();
        const events = recordEvents(breaker);
        const { call, outcome } = run(breaker);
        clock.advance(CALL_TIMEOUT);
        await outcome.catch(() => undefined);
        const emitted = events.length;

        settle(call);
        await call.promise.catch(() => undefined);

        expect(events.slice(emitted)).toEqual([]);
      });

      it.each([
        ['a result', (call: ReturnType<typeof pending>) => call.resolve('late')],
        ['an error', (call: ReturnType<typeof pending>) => call.reject(new Error('late'))],
      ])('never runs the fallback when it is %s', async (_label, settle) => {
        const fallback = jest.fn((error: unknown) => error);
        const { breaker, clock } = timedBreaker({ fallback });
        const { call, outcome } = run(breaker);
        clock.advance(CALL_TIMEOUT);
        await outcome;

        settle(call);
        await call.promise.catch(() => undefined);

        expect(fallback.mock.calls).toEqual([[expect.any(CallTimeoutError)]]);
      });

      it('leaves the caller with the timeout error', async () => {
        const { breaker, clock } = timedBreaker();
        const { call, outcome } = run(breaker);
        clock.advance(CALL_TIMEOUT);

        call.resolve('late');

        await expect(outcome).rejects.toBeInstanceOf(CallTimeoutError);
      });
    });

    describe('a call finishing before the timeout', () => {
      it('cancels its timer when it succeeds', async () => {
        const { breaker, clock } = timedBreaker();
        const { call, outcome } = run(breaker);
        expect(clock.pendingTimers()).toBe(1);

        call.resolve('ok');
        await outcome;

        expect(clock.pendingTimers()).toBe(0);
      });

      it('cancels its timer when it fails', async () => {
        const { breaker, clock } = timedBreaker();
        const { call, outcome } = run(breaker);
        expect(clock.pendingTimers()).toBe(1);

        call.reject(new Error('boom'));
        await outcome.catch(() => undefined);

        expect(clock.pendingTimers()).toBe(0);
      });

      it('cancels its timer when fn returns synchronously', async () => {
        const { breaker, clock } = timedBreaker();

        await breaker.execute(() => 'sync');

        expect(clock.pendingTimers()).toBe(0);
      });

      it('counts no timeout when the clock later passes callTimeout', async () => {
        const { breaker, clock } = timedBreaker();
        const { call, outcome } = run(breaker);
        call.resolve('ok');
        await outcome;

        clock.advance(CALL_TIMEOUT * 2);

        expect(breaker.getStats()).toMatchObject({ successes: 1, failures: 0, timeouts: 0 });
      });
    });

    describe('the signal fn receives', () => {
      it('is an AbortSignal when callTimeout is set', async () => {
        const { breaker } = timedBreaker();
        let received: unknown = 'not called';

        await breaker.execute((signal) => {
          received = signal;
          return 'ok';
        });

        expect(received).toBeInstanceOf(AbortSignal);
      });

      it.each<[string, BreakerOptions]>([
        ['without any per-call feature', {}],
        [
          'with slowCallDuration and a fallback but no callTimeout',
          { slowCallDuration: 100, fallback: () => 'x' },
        ],
      ])('is undefined %s', async (_label, options) => {
        const { breaker } = drivenBreaker(options);
        let received: unknown = 'not called';

        await breaker.execute((signal) => {
          received = signal;
          return 'ok';
        });

        expect(received).toBeUndefined();
      });
    });
  });
});
