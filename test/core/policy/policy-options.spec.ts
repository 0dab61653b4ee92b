import { Breaker, type BreakerOptions } from '../../../lib/core/index.js';
import { thrownBy } from './policy-breaker.js';

/** Builds a breaker from options a JavaScript caller or a bad config might pass. */
const build = (options: unknown) => () => new Breaker('orders-api', options as BreakerOptions);

/** A bad value, the error it must raise and how the message must show it. */
type Invalid = [label: string, value: unknown, errorType: ErrorConstructor, shown: string];

const INVALID_PERCENTAGES: readonly Invalid[] = [
  ['zero', 0, RangeError, '0'],
  ['a negative value', -1, RangeError, '-1'],
  ['a value above 100', 101, RangeError, '101'],
  ['Infinity', Number.POSITIVE_INFINITY, RangeError, 'Infinity'],
  ['NaN', Number.NaN, TypeError, 'NaN'],
  ['a numeric string', '50', TypeError, '"50"'],
  ['null', null, TypeError, 'null'],
];

const INVALID_WHOLE_NUMBERS: readonly Invalid[] = [
  ['zero', 0, RangeError, '0'],
  ['a negative value', -1, RangeError, '-1'],
  ['a fractional value', 1.5, RangeError, '1.5'],
  ['Infinity', Number.POSITIVE_INFINITY, RangeError, 'Infinity'],
  ['NaN', Number.NaN, TypeError, 'NaN'],
  ['a numeric string', '10', TypeError, '"10"'],
];

/** A bad shape, the error it must raise and the option path the message must name. */
type InvalidShape = [label: string, value: unknown, errorType: ErrorConstructor, named: string];

const INVALID_WINDOWS: readonly InvalidShape[] = [
  ['{ calls: 0 }', { calls: 0 }, RangeError, 'window.calls'],
  ['{ calls: 2.5 }', { calls: 2.5 }, RangeError, 'window.calls'],
  ["{ calls: '5' }", { calls: '5' }, TypeError, 'window.calls'],
  ['{ ms: 0 }', { ms: 0 }, RangeError, 'window.ms'],
  ['{ ms: 10, buckets: 20 }', { ms: 10, buckets: 20 }, RangeError, 'window.buckets'],
  ['{ ms: 1000, buckets: 0 }', { ms: 1_000, buckets: 0 }, RangeError, 'window.buckets'],
  ['{ calls: 5, ms: 3 } (both shapes)', { calls: 5, ms: 3 }, TypeError, 'window.ms'],
  ['{ ms: 1000, size: 3 } (an unknown key)', { ms: 1_000, size: 3 }, TypeError, 'window.size'],
  ['{} (neither shape)', {}, TypeError, 'window.ms'],
  ['an array', [], TypeError, 'window'],
  ['null', null, TypeError, 'window'],
  ['a number', 100, TypeError, 'window'],
];

/** A valid maxTimeout for the default 30 s timeout, so the field under test is the one at fault. */
const MAX = { maxTimeout: 60_000 };

const INVALID_BACKOFFS: readonly InvalidShape[] = [
  ['{} (no maxTimeout)', {}, TypeError, 'backoff.maxTimeout'],
  ['{ maxTimeout: 0 }', { maxTimeout: 0 }, RangeError, 'backoff.maxTimeout'],
  ['a fractional maxTimeout', { maxTimeout: 60_000.5 }, RangeError, 'backoff.maxTimeout'],
  ['a maxTimeout below timeout', { maxTimeout: 29_999 }, RangeError, 'backoff.maxTimeout'],
  ['a multiplier below 1', { ...MAX, multiplier: 0.5 }, RangeError, 'backoff.multiplier'],
  ['an infinite multiplier', { ...MAX, multiplier: Infinity }, RangeError, 'backoff.multiplier'],
  ['a NaN multiplier', { ...MAX, multiplier: Number.NaN }, RangeError, 'backoff.multiplier'],
  ['a string multiplier', { ...MAX, multiplier: '2' }, TypeError, 'backoff.multiplier'],
  ['a negative jitter', { ...MAX, jitter: -0.1 }, RangeError, 'backoff.jitter'],
  ['a jitter above 1', { ...MAX, jitter: 1.5 }, RangeError, 'backoff.jitter'],
  ['a string jitter', { ...MAX, jitter: '0.1' }, TypeError, 'backoff.jitter'],
  ['an unknown key', { ...MAX, cap: 1 }, TypeError, 'backoff.cap'],
  ['an array', [], TypeError, 'backoff'],
  ['null', null, TypeError, 'backoff'],
  ['a number', 5_000, TypeError, 'backoff'],
];

describe('Breaker', () => {
  describe('checks of the policy options when built', () => {
    describe.each(['failureRateThreshold', 'slowCallRateThreshold'])('%s', (option) => {
      it.each(INVALID_PERCENTAGES)('rejects %s', (_label, value, errorType) => {
        expect(build({ [option]: value, slowCallDuration: 100 })).toThrow(errorType);
      });

      it.each(INVALID_PERCENTAGES)(
        'names the option, the breaker and the value when rejecting %s',
        (_label, value, _type, shown) => {
          const { message } = thrownBy(build({ [option]: value, slowCallDuration: 100 }));

          expect(message).toContain(`"${option}"`);
          expect(message).toContain('"orders-api"');
          expect(message).toContain(`got ${shown}`);
        },
      );

      it.each([12.5, 100])('accepts %s', (value) => {
        const breaker = new Breaker('orders-api', { [option]: value, slowCallDuration: 100 });

        expect(breaker.options[option as 'failureRateThreshold']).toBe(value);
      });
    });

    describe.each(['slowCallDuration', 'minimumCalls', 'callTimeout'])('%s', (option) => {
      it.each(INVALID_WHOLE_NUMBERS)('rejects %s', (_label, value, errorType) => {
        expect(build({ [option]: value })).toThrow(errorType);
      });

      it.each(INVALID_WHOLE_NUMBERS)(
        'names the option, the breaker and the value when rejecting %s',
        (_label, value, _type, shown) => {
          const { message } = thrownBy(build({ [option]: value }));

          expect(message).toContain(`"${option}"`);
          expect(message).toContain('"orders-api"');
          expect(message).toContain(`got ${shown}`);
        },
      );

      it('accepts 1', () => {
        const breaker = new Breaker('orders-api', { [option]: 1 });

        expect(breaker.options[option as 'minimumCalls']).toBe(1);
      });
    });

    describe('window', () => {
      it.each(INVALID_WINDOWS)('rejects %s', (_label, window, errorType) => {
        expect(build({ window })).toThrow(errorType);
      });

      it.each(INVALID_WINDOWS)(
        'names the breaker and the option path when rejecting %s',
        (_label, window, _type, named) => {
          const { message } = thrownBy(build({ window }));

          expect(message).toContain(`"${named}"`);
          expect(message).toContain('"orders-api"');
        },
      );

      it.each([{ calls: 1 }, { ms: 10, buckets: 10 }, { ms: 1_000 }, { ms: 60_000, buckets: 60 }])(
        'accepts %j',
        (window) => {
          expect(new Breaker('orders-api', { window }).options.window).toEqual(window);
        },
      );
    });

    describe('backoff', () => {
      it.each(INVALID_BACKOFFS)('rejects %s', (_label, backoff, errorType) => {
        expect(build({ backoff })).toThrow(errorType);
      });

      it.each(INVALID_BACKOFFS)(
        'names the breaker and the option path when rejecting %s',
        (_label, backoff, _type, named) => {
          const { message } = thrownBy(build({ backoff }));

          expect(message).toContain(`"${named}"`);
          expect(message).toContain('"orders-api"');
        },
      );

      it('accepts a complete backoff as given', () => {
        const backoff = { maxTimeout: 60_000, multiplier: 1.5, jitter: 1 };

        expect(new Breaker('orders-api', { backoff }).options.backoff).toEqual(backoff);
      });
    });

    describe.each(['recordErrors', 'ignoreErrors'])('%s', (option) => {
      it.each([
        ['a class instead of an array of them', TypeError],
        ['an array holding a string', ['TypeError']],
        ['an array holding a number', [TypeError, 1]],
        ['an array holding an instance', [new TypeError('x')]],
        ['a string', 'TypeError'],
        ['null', null],
      ])('rejects %s with a TypeError naming the option', (_label, value) => {
        const error = thrownBy(build({ [option]: value }));

        expect(error).toBeInstanceOf(TypeError);
        expect(error.message).toContain(`"${option}"`);
      });

      it.each([
        ['an empty array', []],
        ['an array of error classes', [TypeError, RangeError]],
      ])('accepts %s', (_label, value) => {
        expect(
          new Breaker('orders-api', { [option]: value }).options[option as 'recordErrors'],
        ).toEqual(value);
      });
    });

    describe.each(['fallback', 'random'])('%s', (option) => {
      it.each([
        ['a string', 'cached'],
        ['a number', 0.5],
        ['an object', {}],
        ['null', null],
      ])('rejects %s with a TypeError naming the option', (_label, value) => {
        const error = thrownBy(build({ [option]: value }));

        expect(error).toBeInstanceOf(TypeError);
        expect(error.message).toContain(`"${option}"`);
      });
    });

    describe('clock.setTimer', () => {
      it.each([
        ['a number', 5],
        ['a string', 'setTimeout'],
        ['null', null],
      ])('rejects %s with a TypeError naming clock.setTimer', (_label, setTimer) => {
        const error = thrownBy(build({ clock: { now: () => 0, setTimer } }));

        expect(error).toBeInstanceOf(TypeError);
        expect(error.message).toContain('"clock.setTimer"');
      });

      it('accepts a clock without setTimer', () => {
        const clock = { now: () => 0 };

        expect(new Breaker('orders-api', { clock }).options.clock).toBe(clock);
      });
    });
  });
});
