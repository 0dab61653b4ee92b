/**
 * One admitted call, for code that cannot hand the breaker a function to run (a stream, an
 * rxjs Observable, a callback API). Obtained from {@link Breaker.acquire}.
 *
 * Exactly one of its methods takes effect; later calls are ignored, so every way out of the
 * call can report without double counting.
 */
export interface BreakerPermit {
  /** The call succeeded. */
  succeed(): void;
  /**
   * The call failed with `error`; the breaker's failure rules decide whether it counts.
   *
   * @returns Whether it counted as a failure (false for an ignored error, or once settled).
   */
  fail(error: unknown): boolean;
  /**
   * The call was abandoned before an outcome: give its trial slot back and count nothing, not
   * even the call.
   */
  release(): void;
  /**
   * With a `callTimeout`: aborted, with the `CallTimeoutError` as its reason, when the call
   * times out (it has then settled as a failure). Without one: `undefined`.
   */
  readonly signal: AbortSignal | undefined;
}
