import { callTimeoutMessage } from './messages.js';

const BRAND = Symbol.for('nestjs-circuit-breaker.CallTimeoutError');

/**
 * What a guarded call fails with when it runs longer than the breaker's `callTimeout`. It
 * counts as a failure; the call's AbortSignal is aborted with it.
 */
export class CallTimeoutError extends Error {
  override readonly name = 'CallTimeoutError';

  /** Marks instances across copies of this package; read by {@link isCallTimeoutError}. */
  readonly [BRAND] = true;

  /**
   * @param breakerName - The breaker whose call timed out.
   * @param timeoutMs - The call timeout that passed, in ms.
   */
  constructor(
    readonly breakerName: string,
    readonly timeoutMs: number,
  ) {
    super(callTimeoutMessage(breakerName, timeoutMs));
  }
}

/**
 * Tells whether a value is a {@link CallTimeoutError}, even one from another copy of this
 * package.
 */
export function isCallTimeoutError(value: unknown): value is CallTimeoutError {
  return (
    typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true
  );
}
