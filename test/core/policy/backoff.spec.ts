import { Breaker, type BreakerOptions } from '../../../lib/core/index.js';
import { failTimes, succeedTimes } from '../calls.js';
import { TIMEOUT, drivenBreaker, recordChanges, thrownBy, type Driven } from './policy-breaker.js';

/** A breaker one failure opens and one trial success closes, with `backoff` as given. */
function backedOff(backoff: BreakerOptions['backoff'], options: BreakerOptions = {}) {
  const driven = drivenBreaker({ backoff, failureThreshold: 1, successThreshold: 1, ...options });
  const changes = recordChanges(driven.breaker);
  /** How long the breaker stayed open each time it opened, in order. */
  const openDurations = () =>
    changes.filter((change) => change.to === 'open').map((change) => change.retryAfterMs);
  return { ...driven, openDurations };
}

/** Opens the breaker, then lets `trials` trials fail, each as soon as the breaker allows one. */
async function failTrials({ breaker, clock }: Driven, trials: number): Promise<void> {
  await failTimes(breaker, 1);
  for (let i = 0; i < trials; i++) {
    clock.advance(breaker.getTimeUntilRetry());
    await failTimes(breaker, 1);
  }
}

describe('Breaker', () => {
  describe('backoff', () => {
    describe('growth', () => {
      it('opens for timeout the first time', async () => {
        const driven = backedOff({ multiplier: 3, maxTimeout: 60_000 });

        await failTrials(driven, 0);

        expect(driven.openDurations()).toEqual([TIMEOUT]);
      });

      it('multiplies the open duration by multiplier for each failed trial', async () => {
        const driven = backedOff({ multiplier: 3, maxTimeout: 60_000 });

        await failTrials(driven, 2);

        expect(driven.openDurations()).toEqual([1_000, 3_000, 9_000]);
      });

      it('caps the open duration at maxTimeout', async () => {
        const driven = backedOff({ multiplier: 3, maxTimeout: 5_000 });

        await failTrials(driven, 3);

        expect(driven.openDurations()).toEqual([1_000, 3_000, 5_000, 5_000]);
      });

      it('multiplies by 2 when multiplier is not given', async () => {
        const driven = backedOff({ maxTimeout: 60_000 });

        await failTrials(driven, 2);

        expect(driven.openDurations()).toEqual([1_000, 2_000, 4_000]);
      });

      it('keeps the breaker open for the whole backed-off duration', async () => {
        const driven = backedOff({ multiplier: 3, maxTimeout: 60_000 });
        await failTrials(driven, 1);

        driven.clock.advance(3_000 - 1);

        expect(driven.breaker.state).toBe('open');
      });

      it('lets a trial through once the backed-off duration has passed', async () => {
        const driven = backedOff({ multiplier: 3, maxTimeout: 60_000 });
        await failTrials(driven, 1);

        driven.clock.advance(3_000);

        expect(driven.breaker.state).toBe('half-open');
      });
    });

    describe('jitter', () => {
      it('shortens each open duration by jitter × random() of itself', async () => {
        const driven = backedOff(
          { multiplier: 2, maxTimeout: 60_000, jitter: 0.2 },
          { random: () => 0.5 },
        );

        await failTrials(driven, 2);

        // 10 % off each: 1 000 → 900, 2 000 → 1 800, 4 000 → 3 600.
        expect(driven.openDurations()).toEqual([900, 1_800, 3_600]);
      });

      it('shortens the capped duration too', async () => {
        const driven = backedOff(
          { multiplier: 4, maxTimeout: 2_000, jitter: 0.5 },
          { random: () => 0.5 },
        );

        await failTrials(driven, 1);

        expect(driven.openDurations()).toEqual([750, 1_500]);
      });

      it('keeps the breaker open for the jittered duration only', async () => {
        const driven = backedOff(
          { multiplier: 2, maxTimeout: 60_000, jitter: 0.2 },
          { random: () => 0.5 },
        );
        await failTrials(driven, 0);

        driven.clock.advance(900);

        expect(driven.breaker.state).toBe('half-open');
      });
    });

    describe('after the breaker closes', () => {
      it('opens for the base timeout again once trials succeeded', async () => {
        const driven = backedOff({ multiplier: 3, maxTimeout: 60_000 });
        await failTrials(driven, 2);
        driven.clock.advance(driven.breaker.getTimeUntilRetry());
        await succeedTimes(driven.breaker, 1);

        await failTimes(driven.breaker, 1);

        expect(driven.openDurations().at(-1)).toBe(TIMEOUT);
      });

      it('opens for the base timeout again after reset()', async () => {
        const driven = backedOff({ multiplier: 3, maxTimeout: 60_000 });
        await failTrials(driven, 2);
        driven.breaker.reset();

        await failTimes(driven.breaker, 1);

        expect(driven.openDurations().at(-1)).toBe(TIMEOUT);
      });
    });

    describe('validation', () => {
      const build = (backoff: unknown) => () =>
        new Breaker('payments', { timeout: 10_000, backoff } as BreakerOptions);

      it('rejects a maxTimeout below timeout with a RangeError naming backoff.maxTimeout', () => {
        const error = thrownBy(build({ maxTimeout: 9_999 }));

        expect(error).toBeInstanceOf(RangeError);
        expect(error.message).toContain('"backoff.maxTimeout"');
      });

      it('accepts a maxTimeout equal to timeout', () => {
        const backoff = { maxTimeout: 10_000 };

        const breaker = new Breaker('payments', { timeout: 10_000, backoff });

        expect(breaker.options.backoff).toEqual({ maxTimeout: 10_000, multiplier: 2, jitter: 0 });
      });

      it('rejects a multiplier below 1 with a RangeError naming backoff.multiplier', () => {
        const error = thrownBy(build({ maxTimeout: 60_000, multiplier: 0.5 }));

        expect(error).toBeInstanceOf(RangeError);
        expect(error.message).toContain('"backoff.multiplier"');
      });

      it('rejects a jitter above 1 with a RangeError naming backoff.jitter', () => {
        const error = thrownBy(build({ maxTimeout: 60_000, jitter: 1.5 }));

        expect(error).toBeInstanceOf(RangeError);
        expect(error.message).toContain('"backoff.jitter"');
      });
    });
  });
});
