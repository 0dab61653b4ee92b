import { jest } from '@jest/globals';

import { failTimes, succeeding } from '../calls.js';
import { TIMEOUT, drivenBreaker, rejectionOf } from './policy-breaker.js';

/** An error the service raises for a bad request: the caller's fault, not the service's. */
class ValidationError extends Error {}

/** An error that always means the service is in trouble. */
class UpstreamError extends Error {}

/** An UpstreamError more specific than its parent. */
class UpstreamTimeout extends UpstreamError {}

const fail = (error: unknown) => () => Promise.reject(error);

describe('Breaker', () => {
  describe('error rules', () => {
    describe('ignoreErrors', () => {
      const options = { ignoreErrors: [ValidationError], failureThreshold: 2 };

      it('passes an ignored error to the caller unchanged', async () => {
        const { breaker } = drivenBreaker(options);
        const error = new ValidationError('bad input');

        await expect(breaker.execute(fail(error))).rejects.toBe(error);
      });

      it('counts an ignored error in stats.ignored and not in failures', async () => {
        const { breaker } = drivenBreaker(options);

        await breaker.execute(fail(new ValidationError())).catch(() => undefined);

        expect(breaker.getStats()).toMatchObject({ ignored: 1, failures: 0 });
      });

      it('leaves the consecutive failure count as it was', async () => {
        const { breaker } = drivenBreaker(options);
        await failTimes(breaker, 1);

        await breaker.execute(fail(new ValidationError())).catch(() => undefined);

        expect(breaker.getStats().consecutiveFailures).toBe(1);
      });

      it('never opens the breaker, however many ignored errors arrive', async () => {
        const { breaker } = drivenBreaker(options);

        for (let i = 0; i < 10; i++) {
          await breaker.execute(fail(new ValidationError())).catch(() => undefined);
        }

        expect(breaker.state).toBe('closed');
      });

      it('is checked before recordErrors: a class in both lists is ignored', async () => {
        const { breaker } = drivenBreaker({
          ignoreErrors: [ValidationError],
          recordErrors: [Error],
        });

        await breaker.execute(fail(new ValidationError())).catch(() => undefined);

        expect(breaker.getStats()).toMatchObject({ ignored: 1, failures: 0 });
      });

      it('is checked before isFailure, which is not consulted for an ignored error', async () => {
        const isFailure = jest.fn(() => true);
        const { breaker } = drivenBreaker({ ignoreErrors: [ValidationError], isFailure });

        await breaker.execute(fail(new ValidationError())).catch(() => undefined);

        expect(isFailure).not.toHaveBeenCalled();
      });

      it('also ignores instances of subclasses', async () => {
        const { breaker } = drivenBreaker({ ignoreErrors: [UpstreamError] });

        await breaker.execute(fail(new UpstreamTimeout())).catch(() => undefined);

        expect(breaker.getStats()).toMatchObject({ ignored: 1, failures: 0 });
      });

      describe('while half-open', () => {
        /** A half-open breaker whose single trial call just failed with an ignored error. */
        async function ignoredTrial() {
          const driven = drivenBreaker({
            ignoreErrors: [ValidationError],
            failureThreshold: 1,
            successThreshold: 1,
            halfOpenMaxCalls: 1,
          });
          await failTimes(driven.breaker, 1);
          driven.clock.advance(TIMEOUT);
          await driven.breaker.execute(fail(new ValidationError())).catch(() => undefined);
          return driven;
        }

        it('gives the trial slot back: the next call runs as a trial', async () => {
          const { breaker } = await ignoredTrial();
          const next = jest.fn(succeeding());

          await breaker.execute(next);

          expect(next).toHaveBeenCalledTimes(1);
        });

        it('does not count as a trial success: the breaker stays half-open', async () => {
          const { breaker } = await ignoredTrial();

          expect(breaker.getStats()).toMatchObject({
            state: 'half-open',
            trialSuccesses: 0,
            trialsInFlight: 0,
          });
        });
      });
    });

    describe('recordErrors', () => {
      it('counts a recorded error as a failure even when isFailure says it is not one', async () => {
        const { breaker } = drivenBreaker({
          recordErrors: [UpstreamError],
          isFailure: () => false,
        });

        await breaker.execute(fail(new UpstreamError())).catch(() => undefined);

        expect(breaker.getStats()).toMatchObject({ failures: 1, ignored: 0 });
      });

      it('opens the breaker on recorded errors that isFailure would ignore', async () => {
        const { breaker } = drivenBreaker({
          recordErrors: [UpstreamError],
          isFailure: () => false,
          failureThreshold: 1,
        });

        await breaker.execute(fail(new UpstreamTimeout())).catch(() => undefined);

        expect(breaker.state).toBe('open');
      });

      it('leaves errors of other classes to isFailure', async () => {
        const { breaker } = drivenBreaker({
          recordErrors: [UpstreamError],
          isFailure: () => false,
        });

        await breaker.execute(fail(new Error('other'))).catch(() => undefined);

        expect(breaker.getStats()).toMatchObject({ failures: 0, ignored: 1 });
      });
    });

    describe('isFailure', () => {
      it('receives the error the call failed with', async () => {
        const isFailure = jest.fn((_error: unknown) => true);
        const { breaker } = drivenBreaker({ isFailure });
        const error = new Error('boom');

        await breaker.execute(fail(error)).catch(() => undefined);

        expect(isFailure).toHaveBeenCalledWith(error);
      });

      it('counts an error it accepts as a failure', async () => {
        const { breaker } = drivenBreaker({ isFailure: () => true });

        await failTimes(breaker, 1);

        expect(breaker.getStats()).toMatchObject({ failures: 1, ignored: 0 });
      });

      it('counts an error it rejects as ignored, not as a failure', async () => {
        const { breaker } = drivenBreaker({ isFailure: () => false });

        await breaker.execute(fail(new Error('not ours'))).catch(() => undefined);

        expect(breaker.getStats()).toMatchObject({ failures: 0, ignored: 1 });
      });

      it('passes an error it rejects to the caller unchanged', async () => {
        const { breaker } = drivenBreaker({ isFailure: () => false });
        const error = new Error('not ours');

        expect(await rejectionOf(breaker.execute(fail(error)))).toBe(error);
      });

      it('counts the error as a failure when isFailure throws', async () => {
        const { breaker } = drivenBreaker({
          isFailure: () => {
            throw new Error('broken rule');
          },
        });

        await failTimes(breaker, 1);

        expect(breaker.getStats()).toMatchObject({ failures: 1, ignored: 0 });
      });

      it("passes the call's error, not isFailure's, to the caller when isFailure throws", async () => {
        const { breaker } = drivenBreaker({
          isFailure: () => {
            throw new Error('broken rule');
          },
        });
        const error = new Error('boom');

        await expect(breaker.execute(fail(error))).rejects.toBe(error);
      });
    });
  });
});
