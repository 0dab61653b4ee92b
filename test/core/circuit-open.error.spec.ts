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

    it('names the breaker and the wait in its message', () => {
      const { message } = new CircuitOpenError('payments', 1_500);

      expect(message).toContain('"payments"');
      expect(message).toContain('1500 ms');
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
      expect(refusal).toMatchObject({ name: 'CircuitOpenError', breakerName: 'payments', retryAfterMs: 1_500 });
      expect((refusal as Error).message).toContain('"payments"');
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
