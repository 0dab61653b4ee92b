import { circuitOpenMessage } from './messages.js';

const BRAND = Symbol.for('nestjs-circuit-breaker.CircuitOpenError');

/**
 * Thrown (or rejected with) when a breaker refuses a call because it is open, or because
 * every half-open trial slot is taken. The call did not run.
 *
 * @example
 * ```ts
 * try {
 *   await breaker.execute(() => callModel());
 * } catch (error) {
 *   if (isCircuitOpenError(error)) serveCachedAnswer(error.retryAfterMs);
 *   else throw error;
 * }
 * ```
 */
export class CircuitOpenError extends Error {
  override readonly name = 'CircuitOpenError';

  /** Marks instances across copies of this package; read by {@link isCircuitOpenError}. */
  readonly [BRAND] = true;

  readonly #wait: number | (() => number);

  /**
   * @param breakerName - The name of the breaker that refused the call.
   * @param retryAfterMs - Milliseconds until the breaker lets a call through again, or a
   * function that tells it at the time it is read.
   * @param reason - Why the call was refused: `open` (the default), `trials-busy` (half-open,
   * every trial slot taken) or `forced-open` (held open by hand).
   */
  constructor(
    readonly breakerName: string,
    retryAfterMs: number | (() => number),
    reason?: Parameters<typeof circuitOpenMessage>[1],
  ) {
    super(circuitOpenMessage(breakerName, reason));
    this.#wait = retryAfterMs;
  }

  /**
   * Milliseconds until the breaker lets a call through again, as of reading.
   *
   * A breaker refuses every call of one open period with the same error, so this is worked out
   * when read rather than fixed when the error was made.
   */
  get retryAfterMs(): number {
    const wait = this.#wait;
    return typeof wait === 'number' ? wait : wait();
  }
}

/**
 * Tells whether a value is a {@link CircuitOpenError}, even one created by another copy of
 * this package.
 */
export function isCircuitOpenError(value: unknown): value is CircuitOpenError {
  return (
    typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true
  );
}
