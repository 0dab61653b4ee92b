import { jest } from '@jest/globals';

import { CallTimeoutError, CircuitOpenError, type BreakerEvent } from '../../../lib/core/index.js';
import { failTimes, succeedTimes, succeeding } from '../calls.js';
import {
  START,
  TIMEOUT,
  callTaking,
  drivenBreaker,
  eventsOf,
  recordEvents,
  run,
} from './policy-breaker.js';

class ValidationError extends Error {}

describe('Breaker', () => {
  describe('onEvent()', () => {
    describe('call outcomes', () => {
      it("emits 'success' with the call's duration on the breaker's clock", async () => {
        const driven = drivenBreaker();
        const events = recordEvents(driven.breaker);

        await callTaking(driven, 250);

        expect(events).toEqual([
          { type: 'success', name: 'policy', at: START + 250, durationMs: 250 },
        ]);
      });

      it("emits 'failure' with the error and the call's duration", async () => {
        const driven = drivenBreaker();
        const events = recordEvents(driven.breaker);
        const error = new Error('boom');

        await callTaking(driven, 40, error);

        expect(events).toEqual([
          { type: 'failure', name: 'policy', at: START + 40, durationMs: 40, error },
        ]);
      });

      it("emits 'ignored' with the error and the call's duration for an ignored error", async () => {
        const driven = drivenBreaker({ ignoreErrors: [ValidationError] });
        const events = recordEvents(driven.breaker);
        const error = new ValidationError('bad input');

        await callTaking(driven, 15, error);

        expect(events).toEqual([
          { type: 'ignored', name: 'policy', at: START + 15, durationMs: 15, error },
        ]);
      });

      it("emits 'success' with duration 0 for a synchronous call", async () => {
        const { breaker } = drivenBreaker();
        const events = recordEvents(breaker);

        await breaker.execute(() => 'sync');

        expect(events).toEqual([{ type: 'success', name: 'policy', at: START, durationMs: 0 }]);
      });
    });

    describe('refusals, timeouts and slow calls', () => {
      it("emits 'refusal' with enforced true when an open breaker refuses a call", async () => {
        const { breaker, clock } = drivenBreaker({ failureThreshold: 1 });
        await failTimes(breaker, 1);
        const events = recordEvents(breaker);
        clock.advance(10);

        await expect(breaker.execute(succeeding())).rejects.toBeInstanceOf(CircuitOpenError);

        expect(events).toEqual([
          { type: 'refusal', name: 'policy', at: START + 10, enforced: true },
        ]);
      });

      it("emits 'timeout' with the call timeout, then 'failure' with the CallTimeoutError", async () => {
        const { breaker, clock } = drivenBreaker({ callTimeout: 300 });
        const events = recordEvents(breaker);
        run(breaker);

        clock.advance(300);

        expect(events).toEqual([
          { type: 'timeout', name: 'policy', at: START + 300, timeoutMs: 300 },
          {
            type: 'failure',
            name: 'policy',
            at: START + 300,
            durationMs: 300,
            error: expect.any(CallTimeoutError),
          },
        ]);
      });

      it("emits 'slow' with the duration once a call runs past slowCallDuration", () => {
        const { breaker, clock } = drivenBreaker({ slowCallDuration: 80, minimumCalls: 100 });
        const events = recordEvents(breaker);
        run(breaker);

        clock.advance(80);

        expect(events).toEqual([
          { type: 'slow', name: 'policy', at: START + 80, durationMs: 80, running: true },
        ]);
      });
    });

    describe('fallback, state changes, resets', () => {
      it("emits 'fallback' with the error the fallback answered for", async () => {
        const { breaker } = drivenBreaker({ fallback: () => 'cached' });
        const events = recordEvents(breaker);
        const error = new Error('boom');

        await breaker.execute(() => Promise.reject(error));

        expect(eventsOf(events, 'fallback')).toEqual([
          { type: 'fallback', name: 'policy', at: START, error },
        ]);
      });

      it("emits 'state-change' with the state change's fields", async () => {
        const { breaker } = drivenBreaker({ failureThreshold: 1 });
        const events = recordEvents(breaker);
        const error = new Error('boom');

        await breaker.execute(() => Promise.reject(error)).catch(() => undefined);

        expect(eventsOf(events, 'state-change')).toEqual([
          {
            type: 'state-change',
            name: 'policy',
            from: 'closed',
            to: 'open',
            reason: 'failure-threshold',
            at: START,
            error,
            retryAfterMs: TIMEOUT,
          },
        ]);
      });

      it("emits 'state-change' for every transition of a full cycle, in order", async () => {
        const { breaker, clock } = drivenBreaker({ failureThreshold: 1, successThreshold: 1 });
        const events = recordEvents(breaker);
        await failTimes(breaker, 1);
        clock.advance(TIMEOUT);

        await succeedTimes(breaker, 1);

        const changes = eventsOf(events, 'state-change');
        expect(changes.map(({ from, to, reason }) => [from, to, reason])).toEqual([
          ['closed', 'open', 'failure-threshold'],
          ['open', 'half-open', 'timeout-elapsed'],
          ['half-open', 'closed', 'trials-succeeded'],
        ]);
      });

      it("emits 'reset' when reset() is called", () => {
        const { breaker, clock } = drivenBreaker();
        const events = recordEvents(breaker);
        clock.advance(3);

        breaker.reset();

        expect(eventsOf(events, 'reset')).toEqual([
          { type: 'reset', name: 'policy', at: START + 3 },
        ]);
      });
    });

    describe('unsubscribing', () => {
      it('stops the events reaching the listener', async () => {
        const { breaker } = drivenBreaker();
        const listener = jest.fn((_event: BreakerEvent) => undefined);
        const unsubscribe = breaker.onEvent(listener);
        await succeedTimes(breaker, 1);

        unsubscribe();
        await succeedTimes(breaker, 1);
        breaker.reset();

        expect(listener).toHaveBeenCalledTimes(1);
      });

      it('keeps the other listeners subscribed', async () => {
        const { breaker } = drivenBreaker();
        const unsubscribe = breaker.onEvent(() => undefined);
        const events = recordEvents(breaker);

        unsubscribe();
        await succeedTimes(breaker, 1);

        expect(events.map((event) => event.type)).toEqual(['success']);
      });
    });

    describe('a listener that throws', () => {
      const throwing = () => {
        throw new Error('listener bug');
      };

      it("does not change the call's result", async () => {
        const { breaker } = drivenBreaker();
        breaker.onEvent(throwing);

        await expect(breaker.execute(succeeding('fine'))).resolves.toBe('fine');
      });

      it('does not keep the other listeners from their events', async () => {
        const { breaker } = drivenBreaker();
        breaker.onEvent(throwing);
        const events = recordEvents(breaker);

        await succeedTimes(breaker, 1);

        expect(events.map((event) => event.type)).toEqual(['success']);
      });

      it('does not keep the breaker from changing state', async () => {
        const { breaker } = drivenBreaker({ failureThreshold: 2 });
        breaker.onEvent(throwing);

        await failTimes(breaker, 2);

        expect(breaker.state).toBe('open');
      });

      it('does not keep the breaker from counting', async () => {
        const { breaker } = drivenBreaker();
        breaker.onEvent(throwing);

        await failTimes(breaker, 1);
        await succeedTimes(breaker, 1);

        expect(breaker.getStats()).toMatchObject({ calls: 2, successes: 1, failures: 1 });
      });
    });
  });
});
