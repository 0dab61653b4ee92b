/** Runs `fn` and returns what it threw, failing the test if it threw nothing. */
export function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

/** A bad whole-number argument, the error it must raise and how the message must show it. */
export type InvalidCount = [
  label: string,
  value: unknown,
  errorType: ErrorConstructor,
  shown: string,
];

/** Values a JavaScript caller or a bad config might pass where a whole number ≥ 1 is due. */
export const INVALID_COUNTS: readonly InvalidCount[] = [
  ['zero', 0, RangeError, '0'],
  ['a negative value', -1, RangeError, '-1'],
  ['a fractional value', 2.5, RangeError, '2.5'],
  ['Infinity', Number.POSITIVE_INFINITY, RangeError, 'Infinity'],
  ['an integer beyond the safe range', 2 ** 53, RangeError, String(2 ** 53)],
  ['NaN', Number.NaN, TypeError, 'NaN'],
  ['a string', '10', TypeError, '"10"'],
  ['null', null, TypeError, 'null'],
];
