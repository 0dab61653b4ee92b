import { failTimes, succeedTimes } from '../calls.js';
import { TIMEOUT, drivenBreaker, recordChanges } from './policy-breaker.js';

describe('Breaker', () => {
  describe('failure-rate rule', () => {
    describe('minimumCalls', () => {
      it('stays closed while the window holds fewer than minimumCalls calls, all failed', async () => {
        const { breaker } = drivenBreaker({ failureRateThreshold: 50, minimumCalls: 5 });

        await failTimes(breaker, 4);

        expect(breaker.state).toBe('closed');
      });

      it('opens on the call that brings the window to minimumCalls with the rate reached', async () => {
        const { breaker } = drivenBreaker({ failureRateThreshold: 50, minimumCalls: 5 });
        await failTimes(breaker, 4);

        await succeedTimes(breaker, 1);

        expect(breaker.state).toBe('open');
      });
    });

    describe('threshold', () => {
      it('opens when failures make up exactly failureRateThreshold percent of the window', async () => {
        const { breaker } = drivenBreaker({ failureRateThreshold: 50, minimumCalls: 4 });
        await succeedTimes(breaker, 2);

        await failTimes(breaker, 2);

        expect(breaker.state).toBe('open');
      });

      it('stays closed while failures stay below failureRateThreshold percent', async () => {
        const { breaker } = drivenBreaker({ failureRateThreshold: 50, minimumCalls: 4 });
        await succeedTimes(breaker, 3);

        await failTimes(breaker, 2);

        expect(breaker.state).toBe('closed');
      });

      it("reports the opening with reason 'failure-rate' and the failing call's error", async () => {
        const { breaker } = drivenBreaker({ failureRateThreshold: 50, minimumCalls: 2 });
        const changes = recordChanges(breaker);
        const error = new Error('upstream down');
        await succeedTimes(breaker, 1);

        await breaker.execute(() => Promise.reject(error)).catch(() => undefined);

        expect(changes).toEqual([
          expect.objectContaining({ from: 'closed', to: 'open', reason: 'failure-rate', error }),
        ]);
      });
    });

    describe('count window { calls: N }', () => {
      it('holds only the last N calls: older outcomes drop out of stats.window', async () => {
        const { breaker } = drivenBreaker({
          failureRateThreshold: 100,
          minimumCalls: 4,
          window: { calls: 4 },
        });
        await failTimes(breaker, 3);

        await succeedTimes(breaker, 4);

        expect(breaker.getStats().window).toEqual({ calls: 4, failures: 0, slowCalls: 0 });
      });

      it('rejects a minimumCalls larger than the window, which could never be reached', () => {
        expect(() =>
          drivenBreaker({ failureRateThreshold: 50, minimumCalls: 5, window: { calls: 4 } }),
        ).toThrow(/"minimumCalls" must be at most window.calls \(4\)/);
      });

      it('lowers the default minimumCalls to a window smaller than it', async () => {
        const { breaker } = drivenBreaker({ failureRateThreshold: 50, window: { calls: 4 } });

        await failTimes(breaker, 2);
        await succeedTimes(breaker, 1);
        expect(breaker.options.minimumCalls).toBe(4);
        await failTimes(breaker, 1);

        expect(breaker.state).toBe('open');
      });

      it('judges the rate over the last N calls only', async () => {
        // 5 of 9 calls failed (56 %), below the threshold; 3 of the last 4 did (75 %).
        const { breaker } = drivenBreaker({
          failureRateThreshold: 75,
          minimumCalls: 4,
          window: { calls: 4 },
        });
        await failTimes(breaker, 2);
        await succeedTimes(breaker, 4);
        await failTimes(breaker, 2);
        expect(breaker.state).toBe('closed');

        await failTimes(breaker, 1);

        expect(breaker.state).toBe('open');
      });
    });

    describe('time window { ms, buckets }', () => {
      const options = {
        failureRateThreshold: 50,
        minimumCalls: 4,
        window: { ms: 1_000, buckets: 10 },
      };

      it('keeps outcomes whose bucket is still inside the window', async () => {
        const driven = drivenBreaker(options);
        await failTimes(driven.breaker, 3);

        driven.clock.advance(900);

        expect(driven.breaker.getStats().window).toEqual({ calls: 3, failures: 3, slowCalls: 0 });
      });

      it('drops outcomes whose bucket has left the window as the clock advances', async () => {
        const driven = drivenBreaker(options);
        await failTimes(driven.breaker, 3);

        driven.clock.advance(1_000);

        expect(driven.breaker.getStats().window).toEqual({ calls: 0, failures: 0, slowCalls: 0 });
      });

      it('opens on failures still inside the window', async () => {
        const driven = drivenBreaker(options);
        await failTimes(driven.breaker, 3);
        driven.clock.advance(900);

        await succeedTimes(driven.breaker, 1);

        expect(driven.breaker.state).toBe('open');
      });

      it('does not open on failures that have expired', async () => {
        const driven = drivenBreaker(options);
        await failTimes(driven.breaker, 3);
        driven.clock.advance(1_000);

        await succeedTimes(driven.breaker, 1);

        expect(driven.breaker.state).toBe('closed');
      });
    });

    describe('with failureRateThreshold set and failureThreshold not given', () => {
      it('does not open on 6 failures in a row while the rate stays below the threshold', async () => {
        const { breaker } = drivenBreaker({ failureRateThreshold: 50, minimumCalls: 10 });
        await succeedTimes(breaker, 20);

        await failTimes(breaker, 6);

        expect(breaker.state).toBe('closed');
      });
    });

    describe('with both failureThreshold and failureRateThreshold given', () => {
      const options = { failureThreshold: 3, failureRateThreshold: 50, minimumCalls: 10 };

      it("opens on consecutive failures with reason 'failure-threshold' before the rate is reached", async () => {
        const { breaker } = drivenBreaker(options);
        const changes = recordChanges(breaker);
        await succeedTimes(breaker, 20);

        await failTimes(breaker, 3);

        expect(changes).toEqual([
          expect.objectContaining({ to: 'open', reason: 'failure-threshold' }),
        ]);
      });

      it("opens on the rate with reason 'failure-rate' without consecutive failures", async () => {
        const { breaker } = drivenBreaker(options);
        const changes = recordChanges(breaker);

        for (let i = 0; i < 5; i++) {
          await failTimes(breaker, 1);
          await succeedTimes(breaker, 1);
        }

        expect(changes).toEqual([expect.objectContaining({ to: 'open', reason: 'failure-rate' })]);
      });
    });

    describe('after the breaker closes again', () => {
      /** A breaker the rate rule opened, then one trial success closed. */
      async function reclosedBreaker() {
        const driven = drivenBreaker({
          failureRateThreshold: 50,
          minimumCalls: 4,
          successThreshold: 1,
        });
        await failTimes(driven.breaker, 4);
        expect(driven.breaker.state).toBe('open');
        driven.clock.advance(TIMEOUT);
        await succeedTimes(driven.breaker, 1);
        expect(driven.breaker.state).toBe('closed');
        return driven;
      }

      it('starts the window empty', async () => {
        const { breaker } = await reclosedBreaker();

        expect(breaker.getStats().window).toEqual({ calls: 0, failures: 0, slowCalls: 0 });
      });

      it('needs minimumCalls new calls before the rate rule opens it again', async () => {
        const { breaker } = await reclosedBreaker();

        await failTimes(breaker, 3);

        expect(breaker.state).toBe('closed');
      });
    });

    describe('stats.window', () => {
      it('reports the calls, failures and slow calls the rate rules read', async () => {
        const { breaker } = drivenBreaker({ failureRateThreshold: 90, minimumCalls: 100 });
        await succeedTimes(breaker, 3);

        await failTimes(breaker, 2);

        expect(breaker.getStats().window).toEqual({ calls: 5, failures: 2, slowCalls: 0 });
      });

      it('is null when no rate rule is on', () => {
        const { breaker } = drivenBreaker({ failureThreshold: 3 });

        expect(breaker.getStats().window).toBeNull();
      });
    });
  });
});
