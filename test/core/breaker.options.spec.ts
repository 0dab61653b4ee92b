import { Breaker, DEFAULT_BREAKER_OPTIONS, type BreakerOptions } from '../../lib/core/index.js';
import { failTimes, pending, start, succeedTimes, succeeding } from './calls.js';
import { fakeClock } from '../support/fake-clock.js';

/** Builds a breaker from options a JavaScript caller or a bad config might pass. */
const build = (options: unknown) => () => new Breaker('orders-api', options as BreakerOptions);

/** Builds a breaker from a name a JavaScript caller might pass. */
const buildNamed = (name: unknown) => () => new Breaker(name as string);

/** Runs `fn` and returns what it threw. */
function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

const COUNT_OPTIONS = [
  'failureThreshold',
  'timeout',
  'successThreshold',
  'halfOpenMaxCalls',
] as const;

type InvalidCount = [label: string, value: unknown, errorType: ErrorConstructor, shown: string];

const INVALID_COUNTS: readonly InvalidCount[] = [
  ['a negative value', -1, RangeError, '-1'],
  ['zero', 0, RangeError, '0'],
  ['a fractional value', 1.5, RangeError, '1.5'],
  ['NaN', Number.NaN, TypeError, 'NaN'],
  ['Infinity', Number.POSITIVE_INFINITY, RangeError, 'Infinity'],
  ['-Infinity', Number.NEGATIVE_INFINITY, RangeError, '-Infinity'],
  ['an integer beyond the safe range', 2 ** 53, RangeError, String(2 ** 53)],
  ['a string', '5', TypeError, '"5"'],
  ['null', null, TypeError, 'null'],
  ['a boolean', true, TypeError, 'true'],
];

describe('Breaker', () => {
  describe('option checks when built', () => {
    describe.each(COUNT_OPTIONS)('%s', (option) => {
      it.each(INVALID_COUNTS)('rejects %s', (_label, value, errorType) => {
        expect(build({ [option]: value })).toThrow(errorType);
      });

      it.each(INVALID_COUNTS)(
        'names the option, the breaker and the value when rejecting %s',
        (_label, value, _type, shown) => {
          const { message } = thrownBy(build({ [option]: value }));

          expect(message).toContain(`"${option}"`);
          expect(message).toContain('"orders-api"');
          expect(message).toContain(`got ${shown}`);
        },
      );

      it('accepts 1', () => {
        expect(new Breaker('orders-api', { [option]: 1 }).options[option]).toBe(1);
      });

      it('treats undefined as not given', () => {
        const breaker = new Breaker('orders-api', { [option]: undefined });

        expect(breaker.options[option]).toBe(DEFAULT_BREAKER_OPTIONS[option]);
      });
    });

    it('rejects an unknown option with a TypeError naming it', () => {
      const error = thrownBy(build({ failureTreshold: 3 }));

      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toContain('"failureTreshold"');
      expect(error.message).toContain('"orders-api"');
    });

    it.each([
      ['a string', 'yes'],
      ['a boolean', true],
      ['an object', {}],
      ['null', null],
    ])('rejects an isFailure that is %s with a TypeError naming the option', (_label, value) => {
      const error = thrownBy(build({ isFailure: value }));

      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toContain('"isFailure"');
      expect(error.message).toContain('"orders-api"');
    });

    it.each([
      ['an object without now()', {}],
      ['an object whose now is not a function', { now: 5 }],
      ['a function', () => 1],
      ['a number', 1_000],
      ['null', null],
    ])('rejects a clock that is %s with a TypeError naming the option', (_label, value) => {
      const error = thrownBy(build({ clock: value }));

      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toContain('"clock"');
      expect(error.message).toContain('"orders-api"');
    });

    it.each([
      ['a string', 'fast'],
      ['a number', 5],
      ['an array', []],
      ['null', null],
    ])('rejects options that are %s with a TypeError', (_label, value) => {
      const error = thrownBy(build(value));

      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toContain('"orders-api"');
    });

    it.each([
      ['empty', ''],
      ['blank', '   '],
      ['a number', 42],
      ['null', null],
      ['undefined', undefined],
      ['an object', { name: 'x' }],
    ])('rejects a breaker name that is %s with a TypeError', (_label, name) => {
      expect(buildNamed(name)).toThrow(TypeError);
    });

    it('shows the bad name in the error', () => {
      expect(thrownBy(buildNamed(42)).message).toContain('42');
    });
  });

  describe('explicit option values', () => {
    it('keeps every valid value given instead of the default', () => {
      const clock = fakeClock();
      const isFailure = () => true;

      const breaker = new Breaker('orders-api', {
        failureThreshold: 7,
        timeout: 1,
        successThreshold: 1,
        halfOpenMaxCalls: 4,
        isFailure,
        clock,
      });

      expect(breaker.options).toMatchObject({
        failureThreshold: 7,
        timeout: 1,
        successThreshold: 1,
        halfOpenMaxCalls: 4,
        isFailure,
        clock,
      });
    });

    it('closes after one trial success with successThreshold 1', async () => {
      const clock = fakeClock();
      const breaker = new Breaker('orders-api', {
        clock,
        failureThreshold: 1,
        timeout: 10,
        successThreshold: 1,
      });
      await failTimes(breaker, 1);
      clock.advance(10);

      await succeedTimes(breaker, 1);

      expect(breaker.state).toBe('closed');
    });

    it('opens after one failure with failureThreshold 1', async () => {
      const breaker = new Breaker('orders-api', { clock: fakeClock(), failureThreshold: 1 });

      await failTimes(breaker, 1);

      expect(breaker.state).toBe('open');
    });

    it('allows a trial after 1 ms with timeout 1', async () => {
      const clock = fakeClock();
      const breaker = new Breaker('orders-api', { clock, failureThreshold: 1, timeout: 1 });
      await failTimes(breaker, 1);

      clock.advance(1);

      expect(breaker.state).toBe('half-open');
    });

    it('admits halfOpenMaxCalls trial calls at once', async () => {
      const clock = fakeClock();
      const breaker = new Breaker('orders-api', {
        clock,
        failureThreshold: 1,
        timeout: 10,
        halfOpenMaxCalls: 3,
        successThreshold: 5,
      });
      await failTimes(breaker, 1);
      clock.advance(10);
      const trials = [pending(), pending(), pending()];

      const runs = trials.map((trial) => start(breaker, trial));

      expect(breaker.getStats().trialsInFlight).toBe(3);
      await expect(breaker.execute(succeeding())).rejects.toMatchObject({
        name: 'CircuitOpenError',
      });
      trials.forEach((trial) => trial.resolve('ok'));
      await Promise.all(runs);
    });

    it('accepts the resolved options of another breaker', () => {
      const source = new Breaker('source', { failureThreshold: 9, clock: fakeClock() });

      const copy = new Breaker('copy', source.options);

      expect(copy.options).toEqual(source.options);
    });

    it('is not affected by later changes to the options object passed in', () => {
      const options: BreakerOptions = { failureThreshold: 3 };
      const breaker = new Breaker('orders-api', options);

      options.failureThreshold = 100;

      expect(breaker.options.failureThreshold).toBe(3);
    });

    it('exposes frozen options', () => {
      const breaker = new Breaker('orders-api', { failureThreshold: 3 });

      expect(Object.isFrozen(breaker.options)).toBe(true);
    });
  });
});
