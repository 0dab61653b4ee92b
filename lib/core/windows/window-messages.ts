import { quote } from '../messages.js';

/**
 * Messages of the window checks. Each names the window type and the argument, quotes the value
 * and says what would be accepted, so a bad configuration is fixed from the message alone.
 */

const WHOLE_NUMBER = 'a whole number of at least 1';

/** A size or duration argument that is not a number at all (NaN included). */
export const countNotANumber = (owner: string, argument: string, value: unknown) =>
  `${owner}: "${argument}" must be ${WHOLE_NUMBER}, got ${quote(value)} (${typeof value}).`;

/** A size or duration argument that is fractional, below 1, infinite or beyond 2^53. */
export const countOutOfRange = (owner: string, argument: string, value: number) =>
  `${owner}: "${argument}" must be ${WHOLE_NUMBER}, got ${quote(value)}.`;

/** A time window whose buckets would be shorter than a millisecond. */
export const durationBelowBuckets = (durationMs: number, buckets: number) =>
  `TimeWindow: "durationMs" must be at least "buckets" (${buckets}) so each bucket spans at ` +
  `least 1 ms, got ${quote(durationMs)}. Lengthen the window or use fewer buckets.`;

/** A recorded value that is not one of the four outcomes. */
export const invalidOutcome = (owner: string, value: unknown) =>
  `${owner}: "outcome" must be 0 (success), 1 (failure), 2 (slow) or 3 (slow failure); ` +
  `build it with outcomeOf(failed, slow). Got ${quote(value)} (${typeof value}).`;

/** A time that is not a finite number of milliseconds. */
export const invalidNow = (owner: string, value: unknown) =>
  `${owner}: "now" must be a finite number of milliseconds from the caller's clock, got ` +
  `${quote(value)} (${typeof value}).`;

/**
 * Checks a whole-number argument the way breaker options are checked: TypeError for a
 * non-number, RangeError for a number out of range.
 */
export function assertWholeNumber(
  owner: string,
  argument: string,
  value: unknown,
): asserts value is number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(countNotANumber(owner, argument, value));
  }
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(countOutOfRange(owner, argument, value));
  }
}
