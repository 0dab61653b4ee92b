import {
  DEFAULT_TIME_WINDOW_BUCKETS,
  Outcome,
  TimeWindow,
  type Outcome as OutcomeValue,
} from '../../../lib/core/windows/index.js';
import { INVALID_COUNTS, thrownBy } from './window-checks.js';

const { Success, Failure, Slow, SlowFailure } = Outcome;

const EMPTY = { calls: 0, failures: 0, slowCalls: 0 };

/** A one-second window in ten 100 ms buckets, the shape most tests use. */
const secondWindow = () => new TimeWindow(1_000, 10);

describe('TimeWindow', () => {
  describe('when built', () => {
    it('holds no calls', () => {
      expect(secondWindow().snapshot(0)).toEqual(EMPTY);
    });

    it('keeps its duration and bucket count', () => {
      const window = new TimeWindow(60_000, 6);

      expect([window.durationMs, window.buckets]).toEqual([60_000, 6]);
    });

    it(`uses ${DEFAULT_TIME_WINDOW_BUCKETS} buckets when none are given`, () => {
      expect(new TimeWindow(60_000).buckets).toBe(DEFAULT_TIME_WINDOW_BUCKETS);
    });

    it('accepts one bucket of 1 ms', () => {
      expect(new TimeWindow(1, 1).durationMs).toBe(1);
    });

    it('accepts a duration that the buckets do not divide', () => {
      expect(new TimeWindow(1_005, 10).durationMs).toBe(1_005);
    });

    describe.each(['durationMs', 'buckets'] as const)('%s', (argument) => {
      /** Builds a window with `value` in place of the argument under test. */
      const build = (value: unknown) => () =>
        argument === 'durationMs'
          ? new TimeWindow(value as number, 1)
          : new TimeWindow(1_000, value as number);

      it.each(INVALID_COUNTS)('rejects %s', (_label, value, errorType) => {
        expect(build(value)).toThrow(errorType);
      });

      it.each(INVALID_COUNTS)(
        'names the window, the argument and the value when rejecting %s',
        (_label, value, _type, shown) => {
          const { message } = thrownBy(build(value));

          expect(message).toContain('TimeWindow');
          expect(message).toContain(`"${argument}"`);
          expect(message).toContain(`got ${shown}`);
        },
      );
    });

    it('rejects a duration shorter than its bucket count with a RangeError', () => {
      expect(() => new TimeWindow(5, 10)).toThrow(RangeError);
    });

    it('says why a duration shorter than its bucket count is rejected', () => {
      const { message } = thrownBy(() => new TimeWindow(5));

      expect(message).toBe(
        'TimeWindow: "durationMs" must be at least "buckets" (10) so each bucket spans at least ' +
          '1 ms, got 5. Lengthen the window or use fewer buckets.',
      );
    });
  });

  describe('within the window', () => {
    it('counts every call, failure and slow call', () => {
      const window = secondWindow();

      window.record(Success, 0);
      window.record(Failure, 120);
      window.record(Slow, 450);
      window.record(SlowFailure, 999);

      expect(window.snapshot(999)).toEqual({ calls: 4, failures: 2, slowCalls: 2 });
    });

    it('gives the same counts through the getters after advance() as through a snapshot', () => {
      const window = secondWindow();
      window.record(Failure, 0);
      window.record(Slow, 500);

      window.advance(1_050);

      const { calls, failures, slowCalls } = window;

      expect({ calls, failures, slowCalls }).toEqual({ calls: 1, failures: 0, slowCalls: 1 });
    });
  });

  describe('at a bucket boundary', () => {
    it('still counts a call one millisecond before its bucket leaves', () => {
      const window = secondWindow();
      window.record(Failure, 0);

      expect(window.snapshot(999).failures).toBe(1);
    });

    it('drops a call exactly when its bucket leaves', () => {
      const window = secondWindow();
      window.record(Failure, 0);

      expect(window.snapshot(1_000)).toEqual(EMPTY);
    });

    it('drops a call made late in a bucket together with the rest of that bucket', () => {
      const window = secondWindow();
      window.record(Failure, 99);

      expect(window.snapshot(1_000)).toEqual(EMPTY);
    });

    it('keeps a call made at the first millisecond of the next bucket', () => {
      const window = secondWindow();
      window.record(Failure, 99);
      window.record(Slow, 100);

      expect(window.snapshot(1_000)).toEqual({ calls: 1, failures: 0, slowCalls: 1 });
    });

    it('drops buckets one by one as time passes, oldest first', () => {
      const window = secondWindow();
      for (let t = 0; t < 1_000; t += 100) window.record(Failure, t);

      const seen = [1_000, 1_100, 1_500, 1_900, 2_000].map((t) => window.snapshot(t).calls);

      expect(seen).toEqual([9, 8, 4, 0, 0]);
    });

    it('drops many buckets in one step, keeping those still inside', () => {
      const window = new TimeWindow(100, 100);
      for (let t = 0; t < 100; t++) window.record(t % 2 === 0 ? Failure : Slow, t);

      // At t=137 buckets 0..37 have left: 62 calls remain, from t=38 to t=99.
      expect(window.snapshot(137)).toEqual({ calls: 62, failures: 31, slowCalls: 31 });
    });

    it('places boundaries at k·durationMs/buckets when the width is fractional', () => {
      // 1 005 ms in 10 buckets: each is 100.5 ms wide, so bucket 0 is [0, 100.5).
      const window = new TimeWindow(1_005, 10);
      window.record(Failure, 100);
      window.record(Slow, 101);

      const seen = [1_004, 1_005, 1_106].map((t) => window.snapshot(t).calls);

      expect(seen).toEqual([2, 1, 0]);
    });
  });

  describe('after an idle gap', () => {
    it('is empty after a gap of exactly one window', () => {
      const window = secondWindow();
      window.record(Failure, 950);

      expect(window.snapshot(1_900)).toEqual(EMPTY);
    });

    it('is empty after a gap far longer than the window', () => {
      const window = secondWindow();
      for (let t = 0; t < 1_000; t += 10) window.record(SlowFailure, t);

      expect(window.snapshot(1_000_000_000)).toEqual(EMPTY);
    });

    it('counts calls after a long gap from scratch', () => {
      const window = secondWindow();
      for (let t = 0; t < 1_000; t += 10) window.record(SlowFailure, t);

      window.record(Failure, 50_000);
      window.record(Success, 50_350);

      expect(window.snapshot(50_400)).toEqual({ calls: 2, failures: 1, slowCalls: 0 });
    });

    it('does not take calls from before a long gap out of later totals', () => {
      const window = secondWindow();
      for (let t = 0; t < 1_000; t += 100) window.record(Failure, t);
      window.record(Slow, 10_000);

      // Moving bucket by bucket past where the old calls' buckets would leave must not
      // subtract them a second time.
      for (let t = 10_000; t <= 10_900; t += 100) window.advance(t);

      expect(window.snapshot(10_900)).toEqual({ calls: 1, failures: 0, slowCalls: 1 });
    });
  });

  describe('when the clock goes backwards', () => {
    it('does not bring back calls that have left', () => {
      const window = secondWindow();
      window.record(Failure, 0);
      window.advance(1_000);

      expect(window.snapshot(500)).toEqual(EMPTY);
    });

    it('records an earlier call in the latest bucket seen', () => {
      const window = secondWindow();
      window.record(Success, 950);
      window.record(Failure, 10);

      // Had the failure gone to the bucket of t=10 it would be gone at 1 000; it is not.
      expect(window.snapshot(1_000).failures).toBe(1);
    });
  });

  describe('before time 0', () => {
    it('counts and drops calls at negative times like any others', () => {
      const window = secondWindow();
      window.record(Failure, -1);

      expect([window.snapshot(899).calls, window.snapshot(900).calls]).toEqual([1, 0]);
    });
  });

  describe('reset()', () => {
    it('forgets every call', () => {
      const window = secondWindow();
      window.record(Failure, 0);
      window.record(Slow, 500);

      window.reset();

      expect(window.snapshot(600)).toEqual(EMPTY);
    });

    it('counts calls after it from scratch', () => {
      const window = secondWindow();
      window.record(Failure, 0);
      window.reset();

      window.record(Slow, 100);

      expect(window.snapshot(100)).toEqual({ calls: 1, failures: 0, slowCalls: 1 });
    });

    it('forgets the latest time, so a restarted clock is not held back', () => {
      const window = secondWindow();
      window.record(Failure, 5_000);
      window.reset();

      window.record(Failure, 0);

      expect(window.snapshot(1_000)).toEqual(EMPTY);
    });

    it('does not take calls from before it out of the totals when their bucket leaves', () => {
      const window = secondWindow();
      window.record(Failure, 5_050);
      window.reset();
      // Same bucket as the forgotten call: the new call must not land on top of its counts.
      window.record(Success, 5_000);

      expect([window.snapshot(5_950), window.snapshot(6_000)]).toEqual([
        { calls: 1, failures: 0, slowCalls: 0 },
        EMPTY,
      ]);
    });
  });

  describe('record()', () => {
    it.each([
      ['a value with bits beyond the two flags', 4, '4 (number)'],
      ['NaN', Number.NaN, 'NaN (number)'],
      ['undefined', undefined, 'undefined (undefined)'],
    ])('rejects %s as an outcome, quoting it', (_label, value, shown) => {
      const error = thrownBy(() => secondWindow().record(value as OutcomeValue, 0));

      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toContain('TimeWindow');
      expect(error.message).toContain('"outcome"');
      expect(error.message).toContain(`Got ${shown}`);
    });

    it.each([
      ['NaN', Number.NaN, 'NaN (number)'],
      ['Infinity', Number.POSITIVE_INFINITY, 'Infinity (number)'],
      ['a string', '100', '"100" (string)'],
    ])('rejects %s as the time, quoting it', (_label, value, shown) => {
      const error = thrownBy(() => secondWindow().record(Success, value as number));

      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toContain('TimeWindow');
      expect(error.message).toContain('"now"');
      expect(error.message).toContain(`got ${shown}`);
    });

    it('leaves the counts as they were when it rejects the time', () => {
      const window = secondWindow();
      window.record(Failure, 0);

      expect(() => window.record(Failure, Number.NaN)).toThrow(TypeError);

      expect(window.snapshot(0)).toEqual({ calls: 1, failures: 1, slowCalls: 0 });
    });
  });

  describe('advance() and snapshot()', () => {
    it.each([
      ['advance', (window: TimeWindow) => window.advance(Number.NaN)],
      ['snapshot', (window: TimeWindow) => window.snapshot(Number.NaN)],
    ])('%s() rejects a time that is not finite', (_name, call) => {
      expect(() => call(secondWindow())).toThrow(TypeError);
    });
  });
});
