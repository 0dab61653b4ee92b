import { Breaker, CircuitOpenError } from '../../lib/core/index.js';
import { fakeClock } from '../support/fake-clock.js';

const LONGEST_TIMER_MS = 2_147_483_647;

describe('Breaker', () => {
  describe('durations', () => {
    it.each(['timeout', 'callTimeout', 'slowCallDuration'])(
      'rejects a %s longer than a Node.js timer can wait, naming the limit',
      (option) => {
        expect(() => new Breaker('limits', { [option]: LONGEST_TIMER_MS + 1 })).toThrow(
          new RegExp(`"${option}".*2147483647.*got 2147483648`),
        );
      },
    );

    it('accepts the longest delay a timer can wait', () => {
      expect(new Breaker('limits', { timeout: LONGEST_TIMER_MS }).options.timeout).toBe(
        LONGEST_TIMER_MS,
      );
    });

    it('rejects a backoff maxTimeout longer than a timer can wait', () => {
      expect(
        () => new Breaker('limits', { backoff: { maxTimeout: LONGEST_TIMER_MS + 1 } }),
      ).toThrow(RangeError);
    });
  });

  describe('refusal messages', () => {
    it('says the breaker is open while open', async () => {
      const breaker = new Breaker('limits', { clock: fakeClock(), failureThreshold: 1 });
      breaker.recordFailure();

      const refusal = (await breaker
        .execute(() => 1)
        .catch((error: unknown) => error)) as CircuitOpenError;

      expect(refusal.message).toContain('"limits" is open');
    });

    it('says every trial slot is taken when half-open and busy', async () => {
      const clock = fakeClock();
      const breaker = new Breaker('limits', { clock, failureThreshold: 1, timeout: 10 });
      breaker.recordFailure();
      clock.advance(10);
      void breaker.execute(() => new Promise(() => undefined));

      const refusal = (await breaker
        .execute(() => 1)
        .catch((error: unknown) => error)) as CircuitOpenError;

      expect(refusal.message).toContain('half-open and every trial call slot is taken');
      expect(refusal.retryAfterMs).toBe(1_000);
    });

    it('says the breaker is held open by hand when forced open', async () => {
      const breaker = new Breaker('limits');
      breaker.forceOpen();

      const refusal = (await breaker
        .execute(() => 1)
        .catch((error: unknown) => error)) as CircuitOpenError;

      expect(refusal.message).toContain('held open by hand');
      expect(refusal.retryAfterMs).toBe(Infinity);
    });
  });
});
