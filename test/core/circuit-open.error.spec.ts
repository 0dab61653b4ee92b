import { Breaker, CircuitOpenError, isCircuitOpenError } from '../../lib/core/index.js';
import { failTimes, succeeding } from './calls.js';
import { fakeClock } from '../support/fake-clock.js';

describe('CircuitOpenError', () => {
  describe('when built directly', () => {
    it('carries the breaker name', () => {
      expect(new CircuitOpenError('payments', 1_500).breakerName).toBe('payments');
    });

    it('carries the wait in milliseconds', () => {
      expect(new CircuitOpenError('payments', 1_500).retryAfterMs).toBe(1_500);
    });

    it('is named CircuitOpenError', () => {
      expect(new CircuitOpenError('payments', 1_500).name).toBe('CircuitOpenError');
    });

    it('is an Error', () => {
      const error = new CircuitOpenError('payments', 1_500);

      expect(error).toBeInstanceOf(Error);
      expect(error).toBeInstanceOf(CircuitOpenError);
    });

    it('names the breaker in its message and points at retryAfterMs for the wait', () => {
      const { message } = new CircuitOpenError('payments', 1_500);

      expect(message).toContain('"payments"');
      expect(message).toContain('retryAfterMs');
    });

    it('reads the wait from a function when given one', () => {
      let wait = 900;
      const error = new CircuitOpenError('payments', () => wait);
      wait = 400;

      expect(error.retryAfterMs).toBe(400);
    });

    it('shows its name in its string form', () => {
      expect(String(new CircuitOpenError('payments', 1_500))).toMatch(/^CircuitOpenError: /);
    });
  });

  describe('when a breaker refuses a call', () => {
    it('is what execute() rejects with, naming the breaker and the wait', async () => {
      const clock = fakeClock();
      const breaker = new Breaker('payments', { clock, failureThreshold: 1, timeout: 2_000 });
      await failTimes(breaker, 1);
      clock.advance(500);

      const refusal = await breaker.execute(succeeding()).catch((error: unknown) => error);

      expect(refusal).toBeInstanceOf(CircuitOpenError);
      expect(refusal).toMatchObject({
        name: 'CircuitOpenError',
        breakerName: 'payments',
        retryAfterMs: 1_500,
      });
      expect((refusal as Error).message).toContain('"payments"');
    });

    it('shares one error across the refusals of one open period, its wait read live', async () => {
      const clock = fakeClock();
      const breaker = new Breaker('payments', { clock, failureThreshold: 1, timeout: 2_000 });
      await failTimes(breaker, 1);

      const first = await breaker.execute(succeeding()).catch((error: unknown) => error);
      clock.advance(500);
      const second = await breaker.execute(succeeding()).catch((error: unknown) => error);

      expect(second).toBe(first);
      expect((first as CircuitOpenError).retryAfterMs).toBe(1_500);
    });

    it('refuses with a new error once the breaker opened again', async () => {
      const clock = fakeClock();
      const breaker = new Breaker('payments', { clock, failureThreshold: 1, timeout: 2_000 });
      await failTimes(breaker, 1);
      const first = await breaker.execute(succeeding()).catch((error: unknown) => error);
      clock.advance(2_000);
      await failTimes(breaker, 1);

      const second = await breaker.execute(succeeding()).catch((error: unknown) => error);

      expect(second).not.toBe(first);
      expect((second as CircuitOpenError).retryAfterMs).toBe(2_000);
      expect((first as CircuitOpenError).retryAfterMs).toBe(0);
    });

    it('carries no stack frames', async () => {
      const breaker = new Breaker('payments', { failureThreshold: 1 });
      await failTimes(breaker, 1);

      const refusal = (await breaker
        .execute(succeeding())
        .catch((error: unknown) => error)) as Error;

      expect(refusal.stack?.split('\n')).toHaveLength(1);
    });
  });

  describe('isCircuitOpenError()', () => {
    it('returns true for a CircuitOpenError', () => {
      expect(isCircuitOpenError(new CircuitOpenError('payments', 0))).toBe(true);
    });

    it('returns false for a plain Error', () => {
      expect(isCircuitOpenError(new Error('Circuit breaker "payments" is open'))).toBe(false);
    });

    it('returns false for an Error renamed to CircuitOpenError', () => {
      const impostor = Object.assign(new Error('open'), { name: 'CircuitOpenError' });

      expect(isCircuitOpenError(impostor)).toBe(false);
    });

    it('returns false for a look-alike object', () => {
      const lookAlike = { name: 'CircuitOpenError', breakerName: 'payments', retryAfterMs: 0 };

      expect(isCircuitOpenError(lookAlike)).toBe(false);
    });

    it.each([
      ['null', null],
      ['undefined', undefined],
      ['a string', 'CircuitOpenError'],
      ['a number', 0],
    ])('returns false for %s', (_label, value) => {
      expect(isCircuitOpenError(value)).toBe(false);
    });

    it('recognises an error carrying the shared brand, as another copy of the package would make', () => {
      const fromOtherCopy = Object.assign(new Error('open'), {
        [Symbol.for('nestjs-circuit-breaker.CircuitOpenError')]: true,
      });

      expect(isCircuitOpenError(fromOtherCopy)).toBe(true);
    });
  });
});
