import { Breaker } from '../../../lib/core/index.js';
import { succeedTimes } from '../calls.js';
import {
  TIMEOUT,
  callTaking,
  drivenBreaker,
  eventsOf,
  isPending,
  recordChanges,
  recordEvents,
  run,
} from './policy-breaker.js';

const SLOW_MS = 100;

describe('Breaker', () => {
  describe('slow calls', () => {
    describe('a completed call', () => {
      it('counts as slow in stats.slowCalls when it takes exactly slowCallDuration', async () => {
        const driven = drivenBreaker({ slowCallDuration: SLOW_MS, minimumCalls: 100 });

        await callTaking(driven, SLOW_MS);

        expect(driven.breaker.getStats().slowCalls).toBe(1);
      });

      it('does not count as slow when it finishes 1 ms under slowCallDuration', async () => {
        const driven = drivenBreaker({ slowCallDuration: SLOW_MS, minimumCalls: 100 });

        await callTaking(driven, SLOW_MS - 1);

        expect(driven.breaker.getStats().slowCalls).toBe(0);
      });

      it('cancels its slow-call timer when it finishes first', async () => {
        const driven = drivenBreaker({ slowCallDuration: SLOW_MS });

        await callTaking(driven, SLOW_MS - 1);

        expect(driven.clock.pendingTimers()).toBe(0);
      });
    });

    describe('a call measured only when it ends (a clock without setTimer)', () => {
      /** A breaker on a clock the test moves by hand, which sets no timers of its own. */
      function untimedBreaker() {
        const time = { now: 1_000 };
        const breaker = new Breaker('policy', {
          clock: { now: () => time.now },
          slowCallDuration: SLOW_MS,
          minimumCalls: 100,
        });
        return { breaker, time };
      }

      it('counts as slow when its duration reaches slowCallDuration', async () => {
        const { breaker, time } = untimedBreaker();
        const { call, outcome } = run(breaker);
        time.now += SLOW_MS;

        call.resolve('ok');
        await outcome;

        expect(breaker.getStats().slowCalls).toBe(1);
      });

      it('emits a slow event with running false and the measured duration', async () => {
        const { breaker, time } = untimedBreaker();
        const events = recordEvents(breaker);
        const { call, outcome } = run(breaker);
        time.now += SLOW_MS + 20;

        call.resolve('ok');
        await outcome;

        expect(eventsOf(events, 'slow')).toEqual([
          { type: 'slow', name: 'policy', at: 1_120, durationMs: SLOW_MS + 20, running: false },
        ]);
      });
    });

    describe('slow-call rate rule', () => {
      const options = { slowCallDuration: SLOW_MS, slowCallRateThreshold: 50, minimumCalls: 4 };

      it("opens with reason 'slow-call-rate' when slow calls reach slowCallRateThreshold percent", async () => {
        const driven = drivenBreaker(options);
        const changes = recordChanges(driven.breaker);
        await succeedTimes(driven.breaker, 2);

        await callTaking(driven, SLOW_MS);
        await callTaking(driven, SLOW_MS);

        expect(changes).toEqual([
          expect.objectContaining({ from: 'closed', to: 'open', reason: 'slow-call-rate' }),
        ]);
      });

      it('stays closed while slow calls stay below slowCallRateThreshold percent', async () => {
        const driven = drivenBreaker(options);
        await succeedTimes(driven.breaker, 3);

        await callTaking(driven, SLOW_MS);

        expect(driven.breaker.state).toBe('closed');
      });

      it('defaults slowCallRateThreshold to 100 percent', async () => {
        const driven = drivenBreaker({ slowCallDuration: SLOW_MS, minimumCalls: 2 });
        await callTaking(driven, SLOW_MS);
        await succeedTimes(driven.breaker, 1);
        expect(driven.breaker.state).toBe('closed');

        await callTaking(driven, SLOW_MS);
        await callTaking(driven, SLOW_MS);

        // The window now holds 3 slow calls of 4; only all of them would open it.
        expect(driven.breaker.state).toBe('closed');
      });
    });

    describe('a call still running past slowCallDuration', () => {
      it('counts in stats.window as a slow call at once', () => {
        const driven = drivenBreaker({ slowCallDuration: SLOW_MS, minimumCalls: 100 });
        run(driven.breaker);

        driven.clock.advance(SLOW_MS);

        expect(driven.breaker.getStats().window).toEqual({ calls: 1, failures: 0, slowCalls: 1 });
      });

      it('emits a slow event with running true at that moment', () => {
        const driven = drivenBreaker({ slowCallDuration: SLOW_MS, minimumCalls: 100 });
        const events = recordEvents(driven.breaker);
        run(driven.breaker);

        driven.clock.advance(SLOW_MS);

        expect(eventsOf(events, 'slow')).toEqual([
          { type: 'slow', name: 'policy', at: 1_100, durationMs: SLOW_MS, running: true },
        ]);
      });

      it('opens the breaker on a hanging service before any call returns', async () => {
        const driven = drivenBreaker({ slowCallDuration: SLOW_MS, minimumCalls: 3 });
        const changes = recordChanges(driven.breaker);
        const hung = [run(driven.breaker), run(driven.breaker), run(driven.breaker)];

        driven.clock.advance(SLOW_MS);

        expect(changes).toEqual([
          expect.objectContaining({ to: 'open', reason: 'slow-call-rate' }),
        ]);
        for (const { outcome } of hung) expect(await isPending(outcome)).toBe(true);
      });

      it('is not counted again when it finally settles', async () => {
        const driven = drivenBreaker({ slowCallDuration: SLOW_MS, minimumCalls: 100 });
        const events = recordEvents(driven.breaker);
        const { call, outcome } = run(driven.breaker);
        driven.clock.advance(SLOW_MS);

        driven.clock.advance(5_000);
        call.resolve('late');
        await outcome;

        const { window, slowCalls } = driven.breaker.getStats();
        expect({ window, slowCalls, slowEvents: eventsOf(events, 'slow').length }).toEqual({
          window: { calls: 1, failures: 0, slowCalls: 1 },
          slowCalls: 1,
          slowEvents: 1,
        });
      });

      it('leaves no trace in the window after the breaker it opened has closed again', async () => {
        const driven = drivenBreaker({
          slowCallDuration: SLOW_MS,
          minimumCalls: 2,
          successThreshold: 1,
        });
        const hung = [run(driven.breaker), run(driven.breaker)];
        driven.clock.advance(SLOW_MS);
        driven.clock.advance(TIMEOUT);
        await succeedTimes(driven.breaker, 1);
        expect(driven.breaker.state).toBe('closed');

        for (const { call, outcome } of hung) {
          call.resolve('late');
          await outcome;
        }

        expect(driven.breaker.getStats().window).toEqual({ calls: 0, failures: 0, slowCalls: 0 });
      });

      it('is judged against the current time window, not buckets that have expired', async () => {
        // Two quick calls and a slow one, then a long idle gap: the window is empty again, so
        // one hung call is below minimumCalls and must not open the breaker.
        const driven = drivenBreaker({
          slowCallDuration: SLOW_MS,
          slowCallRateThreshold: 50,
          minimumCalls: 3,
          window: { ms: 1_000, buckets: 10 },
        });
        await succeedTimes(driven.breaker, 2);
        await callTaking(driven, SLOW_MS);
        driven.clock.advance(5_000);
        run(driven.breaker);

        driven.clock.advance(SLOW_MS);

        expect(driven.breaker.state).toBe('closed');
      });
    });
  });
});
