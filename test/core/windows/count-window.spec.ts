import {
  CountWindow,
  Outcome,
  type Outcome as OutcomeValue,
} from '../../../lib/core/windows/index.js';
import { INVALID_COUNTS, thrownBy } from './window-checks.js';

const { Success, Failure, Slow, SlowFailure } = Outcome;

/** Records each outcome in turn, at a time that does not matter to a count window. */
function recordAll(window: CountWindow, outcomes: readonly OutcomeValue[]): void {
  for (const outcome of outcomes) window.record(outcome, 0);
}

describe('CountWindow', () => {
  describe('when built', () => {
    it('holds no calls', () => {
      expect(new CountWindow(5).snapshot(0)).toEqual({ calls: 0, failures: 0, slowCalls: 0 });
    });

    it('keeps its size', () => {
      expect(new CountWindow(5).size).toBe(5);
    });

    it('keeps one byte per call rather than one object', () => {
      const window = new CountWindow(100_000) as unknown as { ring: Uint8Array };

      expect(window.ring).toBeInstanceOf(Uint8Array);
      expect(window.ring.byteLength).toBe(100_000);
    });

    it('accepts a size of 1', () => {
      expect(new CountWindow(1).size).toBe(1);
    });

    it.each(INVALID_COUNTS)('rejects %s as a size', (_label, value, errorType) => {
      expect(() => new CountWindow(value as number)).toThrow(errorType);
    });

    it.each(INVALID_COUNTS)(
      'names the window, the argument and the value when rejecting %s',
      (_label, value, _type, shown) => {
        const { message } = thrownBy(() => new CountWindow(value as number));

        expect(message).toContain('CountWindow');
        expect(message).toContain('"size"');
        expect(message).toContain(`got ${shown}`);
      },
    );
  });

  describe('before it is full', () => {
    it('counts every call, failure and slow call', () => {
      const window = new CountWindow(10);

      recordAll(window, [Success, Failure, Slow, SlowFailure, Failure]);

      expect(window.snapshot(0)).toEqual({ calls: 5, failures: 3, slowCalls: 2 });
    });

    it('gives the same counts through the getters as through a snapshot', () => {
      const window = new CountWindow(10);

      recordAll(window, [Failure, Slow, SlowFailure]);

      const { calls, failures, slowCalls } = window;

      expect({ calls, failures, slowCalls }).toEqual(window.snapshot(0));
    });
  });

  describe('once full', () => {
    it('stops growing at its size', () => {
      const window = new CountWindow(3);

      recordAll(window, [Success, Success, Success, Success, Success]);

      expect(window.calls).toBe(3);
    });

    it('takes an evicted failure out of the failures', () => {
      const window = new CountWindow(3);
      recordAll(window, [Failure, Success, Success]);

      window.record(Success, 0);

      expect(window.snapshot(0)).toEqual({ calls: 3, failures: 0, slowCalls: 0 });
    });

    it('takes an evicted slow call out of the slow calls', () => {
      const window = new CountWindow(3);
      recordAll(window, [Slow, Success, Success]);

      window.record(Success, 0);

      expect(window.snapshot(0)).toEqual({ calls: 3, failures: 0, slowCalls: 0 });
    });

    it('takes an evicted slow failure out of both counts', () => {
      const window = new CountWindow(2);
      recordAll(window, [SlowFailure, Failure]);

      window.record(Slow, 0);

      expect(window.snapshot(0)).toEqual({ calls: 2, failures: 1, slowCalls: 1 });
    });

    it('evicts the oldest call, not a newer one', () => {
      const window = new CountWindow(3);
      recordAll(window, [Success, Failure, Failure]);

      window.record(Success, 0);

      expect(window.failures).toBe(2);
    });

    it('keeps exact counts over many laps of the ring', () => {
      const window = new CountWindow(4);
      // Pattern of period 3 over a ring of 4: every lap evicts a different mix.
      const pattern = [Failure, Slow, Success] as const;
      for (let i = 0; i < 1_000; i++) window.record(pattern[i % 3]!, 0);

      // The last four calls are i = 996..999: Failure, Slow, Success, Failure.
      expect(window.snapshot(0)).toEqual({ calls: 4, failures: 2, slowCalls: 1 });
    });

    it('holds only the latest call when its size is 1', () => {
      const window = new CountWindow(1);
      recordAll(window, [SlowFailure, Success]);

      expect(window.snapshot(0)).toEqual({ calls: 1, failures: 0, slowCalls: 0 });
    });
  });

  describe('over time', () => {
    it('keeps its calls through an idle gap of any length', () => {
      const window = new CountWindow(3);
      recordAll(window, [Failure, Failure]);

      window.advance(Number.MAX_SAFE_INTEGER);

      expect(window.snapshot(Number.MAX_SAFE_INTEGER)).toEqual({
        calls: 2,
        failures: 2,
        slowCalls: 0,
      });
    });
  });

  describe('reset()', () => {
    it('forgets every call', () => {
      const window = new CountWindow(3);
      recordAll(window, [Failure, Slow, SlowFailure, Failure]);

      window.reset();

      expect(window.snapshot(0)).toEqual({ calls: 0, failures: 0, slowCalls: 0 });
    });

    it('does not let calls from before the reset be evicted from the new totals', () => {
      const window = new CountWindow(3);
      recordAll(window, [Failure, Failure, Failure]);
      window.reset();

      recordAll(window, [Success, Success, Success, Success]);

      expect(window.snapshot(0)).toEqual({ calls: 3, failures: 0, slowCalls: 0 });
    });

    it('counts calls made after it from scratch', () => {
      const window = new CountWindow(3);
      recordAll(window, [Success, Success, Success]);
      window.reset();

      recordAll(window, [Failure, Slow]);

      expect(window.snapshot(0)).toEqual({ calls: 2, failures: 1, slowCalls: 1 });
    });
  });

  describe('record()', () => {
    it.each([
      ['a value with bits beyond the two flags', 4, '4 (number)'],
      ['a boolean', true, 'true (boolean)'],
      ['a numeric string', '1', '"1" (string)'],
    ])('rejects %s as an outcome, quoting it', (_label, value, shown) => {
      const window = new CountWindow(3);

      const error = thrownBy(() => window.record(value as OutcomeValue, 0));

      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toContain('CountWindow');
      expect(error.message).toContain('"outcome"');
      expect(error.message).toContain(`Got ${shown}`);
    });

    it('leaves the counts as they were when it rejects an outcome', () => {
      const window = new CountWindow(3);
      window.record(Failure, 0);

      expect(() => window.record(7 as OutcomeValue, 0)).toThrow(TypeError);

      expect(window.snapshot(0)).toEqual({ calls: 1, failures: 1, slowCalls: 0 });
    });
  });
});
