/**
 * A source of monotonic time in milliseconds, and of the timers a breaker needs for call
 * timeouts and slow-call detection.
 *
 * Breakers read time and set timers only through this interface, so tests can drive them with
 * a fake clock instead of waiting.
 */
export interface Clock {
  /** The current time in milliseconds; never goes backwards. */
  now(): number;
  /**
   * Calls `callback` once, `ms` milliseconds from now, and returns a function that cancels it.
   * The timer must not keep the process alive. Default: an unref'd `setTimeout`.
   */
  setTimer?(callback: () => void, ms: number): () => void;
}

/** Sets an unref'd `setTimeout`: a pending call timeout never holds the process open. */
export function setUnrefTimer(callback: () => void, ms: number): () => void {
  const timer = setTimeout(callback, ms);
  timer.unref();
  return () => clearTimeout(timer);
}

/**
 * The default clock: `performance.now()` offset by the process's time origin, and unref'd
 * timers.
 *
 * It is monotonic (a wall-clock change does not move it) yet reads as milliseconds since the
 * Unix epoch, so the times in a breaker's stats can be shown as dates.
 */
export const monotonicClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  setTimer: setUnrefTimer,
};
