import { CircuitOpenError, type BreakerOptions } from '../../../lib/core/index.js';
import { failTimes, pending, type Pending } from '../calls.js';
import { TIMEOUT, drivenBreaker, isPending, type Driven } from './policy-breaker.js';

const CALLS = 10_000;
const TRIALS = 3;

/** What firing {@link CALLS} calls at once into a half-open breaker produced. */
interface Burst extends Driven {
  /** How many times the guarded function ran. */
  readonly invocations: number;
  /** Rejections counted right after the last call was fired, before any await. */
  readonly rejectionsAtOnce: number;
  /** What each caller got, in firing order. */
  readonly outcomes: ReadonlyArray<Promise<string>>;
  /** The calls that ran, still pending until the test settles them. */
  readonly trials: ReadonlyArray<Pending<string>>;
}

/** Opens a breaker, lets it turn half-open, then fires every call in one synchronous burst. */
async function burst(options: BreakerOptions): Promise<Burst> {
  const driven = drivenBreaker({
    failureThreshold: 1,
    halfOpenMaxCalls: TRIALS,
    successThreshold: TRIALS,
    ...options,
  });
  await failTimes(driven.breaker, 1);
  driven.clock.advance(TIMEOUT);

  let invocations = 0;
  const trials: Array<Pending<string>> = [];
  const outcomes: Array<Promise<string>> = [];
  for (let i = 0; i < CALLS; i++) {
    const outcome = driven.breaker.execute(() => {
      invocations++;
      const trial = pending();
      trials.push(trial);
      return trial.promise;
    });
    outcome.catch(() => undefined);
    outcomes.push(outcome);
  }

  const rejectionsAtOnce = driven.breaker.getStats().rejections;
  return { ...driven, invocations, rejectionsAtOnce, outcomes, trials };
}

describe('Breaker', () => {
  describe.each<[string, BreakerOptions]>([
    ['on the plain path', {}],
    ['with per-call timers', { callTimeout: 60_000, slowCallDuration: 30_000 }],
  ])(`${CALLS} concurrent calls into a half-open breaker %s`, (_label, options) => {
    it('runs exactly halfOpenMaxCalls of them', async () => {
      const { invocations } = await burst(options);

      expect(invocations).toBe(TRIALS);
    });

    it('refuses all the others as they are made, counting each in rejections', async () => {
      const { rejectionsAtOnce } = await burst(options);

      expect(rejectionsAtOnce).toBe(CALLS - TRIALS);
    });

    it('rejects all the others with CircuitOpenError while the trials still run', async () => {
      const { outcomes } = await burst(options);

      const refused = await Promise.allSettled(outcomes.slice(TRIALS));

      expect(
        refused.every(
          (outcome) => outcome.status === 'rejected' && outcome.reason instanceof CircuitOpenError,
        ),
      ).toBe(true);
      for (const trial of outcomes.slice(0, TRIALS)) expect(await isPending(trial)).toBe(true);
    });

    it('closes once the trials that ran succeed', async () => {
      const { breaker, trials, outcomes } = await burst(options);

      for (const trial of trials) trial.resolve('ok');
      await Promise.all(outcomes.slice(0, TRIALS));

      expect(breaker.getStats()).toMatchObject({ state: 'closed', calls: 1 + TRIALS });
    });
  });
});
