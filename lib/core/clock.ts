/**
 * A source of monotonic time in milliseconds.
 *
 * Breakers read time only through this interface, so tests can drive them with a fake clock
 * instead of waiting.
 */
export interface Clock {
  /** The current time in milliseconds; never goes backwards. */
  now(): number;
}

/**
 * The default clock: `performance.now()` offset by the process's time origin.
 *
 * It is monotonic (a wall-clock change does not move it) yet reads as milliseconds since the
 * Unix epoch, so the times in a breaker's stats can be shown as dates.
 */
export const monotonicClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
};
