import { Breaker, type BreakerOptions, type StateChange } from '../../lib/core/index.js';
import { failTimes, pending, succeedTimes } from './calls.js';
import { fakeClock, type FakeClock } from '../support/fake-clock.js';

const TIMEOUT = 1_000;

/** A breaker that one failure opens, with every state change it reports collected. */
interface Watched {
  breaker: Breaker;
  clock: FakeClock;
  changes: StateChange[];
}

function watchedBreaker(options: BreakerOptions = {}): Watched {
  const clock = fakeClock(5_000);
  const breaker = new Breaker('events', {
    clock,
    failureThreshold: 1,
    timeout: TIMEOUT,
    ...options,
  });
  const changes: StateChange[] = [];
  breaker.onStateChange((change) => changes.push(change));
  return { breaker, clock, changes };
}

describe('Breaker', () => {
  describe('onStateChange()', () => {
    it('reports opening on the failure threshold with the error and the wait', async () => {
      const { breaker, clock, changes } = watchedBreaker({ failureThreshold: 2 });
      const error = new Error('second');
      breaker.recordFailure(new Error('first'));
      clock.advance(10);

      await breaker.execute(() => Promise.reject(error)).catch(() => undefined);

      expect(changes).toEqual([
        {
          name: 'events',
          from: 'closed',
          to: 'open',
          reason: 'failure-threshold',
          at: 5_010,
          error,
          retryAfterMs: TIMEOUT,
        },
      ]);
      expect(changes[0]?.error).toBe(error);
    });

    it('reports the move to half-open once the timeout has passed', async () => {
      const { breaker, clock, changes } = watchedBreaker();
      await failTimes(breaker, 1);
      clock.advance(TIMEOUT);

      expect(breaker.state).toBe('half-open');

      expect(changes.slice(1)).toEqual([
        { name: 'events', from: 'open', to: 'half-open', reason: 'timeout-elapsed', at: 6_000 },
      ]);
    });

    it('reports a failed trial re-opening the breaker with the error and the wait', async () => {
      const { breaker, clock, changes } = watchedBreaker();
      await failTimes(breaker, 1);
      clock.advance(TIMEOUT);
      const error = new Error('trial');

      await breaker.execute(() => Promise.reject(error)).catch(() => undefined);

      expect(changes.slice(2)).toEqual([
        {
          name: 'events',
          from: 'half-open',
          to: 'open',
          reason: 'trial-failed',
          at: 6_000,
          error,
          retryAfterMs: TIMEOUT,
        },
      ]);
    });

    it('reports closing once enough trials succeeded', async () => {
      const { breaker, clock, changes } = watchedBreaker({ successThreshold: 2 });
      await failTimes(breaker, 1);
      clock.advance(TIMEOUT);
      await succeedTimes(breaker, 1);
      clock.advance(7);

      await succeedTimes(breaker, 1);

      expect(changes.slice(2)).toEqual([
        { name: 'events', from: 'half-open', to: 'closed', reason: 'trials-succeeded', at: 6_007 },
      ]);
    });

    it('reports a reset of an open breaker', async () => {
      const { breaker, clock, changes } = watchedBreaker();
      await failTimes(breaker, 1);
      clock.advance(3);

      breaker.reset();

      expect(changes.slice(1)).toEqual([
        { name: 'events', from: 'open', to: 'closed', reason: 'reset', at: 5_003 },
      ]);
    });

    it('reports nothing when a closed breaker is reset', () => {
      const { breaker, changes } = watchedBreaker();

      breaker.reset();

      expect(changes).toEqual([]);
    });

    it('reports each change once however often the state is read', async () => {
      const { breaker, clock, changes } = watchedBreaker();
      await failTimes(breaker, 1);
      clock.advance(TIMEOUT);

      for (let i = 0; i < 3; i++) {
        void breaker.state;
        breaker.getStats();
        breaker.getTimeUntilRetry();
      }

      expect(changes.map((change) => change.to)).toEqual(['open', 'half-open']);
    });

    it('reports a full cycle in order', async () => {
      const { breaker, clock, changes } = watchedBreaker({ successThreshold: 1 });

      await failTimes(breaker, 1);
      clock.advance(TIMEOUT);
      await failTimes(breaker, 1);
      clock.advance(TIMEOUT);
      await succeedTimes(breaker, 1);

      expect(changes.map((change) => change.reason)).toEqual([
        'failure-threshold',
        'timeout-elapsed',
        'trial-failed',
        'timeout-elapsed',
        'trials-succeeded',
      ]);
    });

    it('reports nothing for a late outcome of a call admitted in an earlier state', async () => {
      const { breaker, changes } = watchedBreaker();
      const slow = pending();
      const late = breaker.execute(() => slow.promise).catch(() => undefined);
      await failTimes(breaker, 1);

      slow.reject(new Error('late'));
      await late;

      expect(changes).toHaveLength(1);
    });

    it('stops reporting to a listener once it unsubscribes', async () => {
      const { breaker } = watchedBreaker();
      const seen: StateChange[] = [];
      const unsubscribe = breaker.onStateChange((change) => seen.push(change));

      unsubscribe();
      await failTimes(breaker, 1);

      expect(seen).toEqual([]);
    });

    it('keeps reporting to the other listeners after one unsubscribes', async () => {
      const { breaker, changes } = watchedBreaker();
      const unsubscribe = breaker.onStateChange(() => undefined);

      unsubscribe();
      await failTimes(breaker, 1);

      expect(changes).toHaveLength(1);
    });

    it('does nothing when unsubscribing twice', async () => {
      const { breaker, changes } = watchedBreaker();
      const unsubscribe = breaker.onStateChange(() => undefined);

      unsubscribe();
      unsubscribe();
      await failTimes(breaker, 1);

      expect(changes).toHaveLength(1);
    });

    it('reports to the other listeners when one throws', async () => {
      const clock = fakeClock();
      const breaker = new Breaker('events', { clock, failureThreshold: 1 });
      const seen: string[] = [];
      breaker.onStateChange(() => seen.push('first'));
      breaker.onStateChange(() => {
        throw new Error('listener bug');
      });
      breaker.onStateChange(() => seen.push('third'));

      await failTimes(breaker, 1);

      expect(seen).toEqual(['first', 'third']);
    });

    it('hands the caller its own error, not the listener’s, when a listener throws', async () => {
      const { breaker } = watchedBreaker();
      breaker.onStateChange(() => {
        throw new Error('listener bug');
      });
      const error = new Error('call failed');

      await expect(breaker.execute(() => Promise.reject(error))).rejects.toBe(error);
      expect(breaker.state).toBe('open');
    });

    it('does not stop a state read from moving to half-open when a listener throws', async () => {
      const { breaker, clock } = watchedBreaker();
      await failTimes(breaker, 1);
      breaker.onStateChange(() => {
        throw new Error('listener bug');
      });
      clock.advance(TIMEOUT);

      expect(breaker.state).toBe('half-open');
      expect(breaker.getStats().state).toBe('half-open');
    });
  });
});
