import type { Breaker } from '../../lib/core/index.js';

/** A call that fails with a fresh error. */
export const failing =
  (message = 'boom') =>
  (): Promise<never> =>
    Promise.reject(new Error(message));

/** A call that succeeds. */
export const succeeding =
  (value = 'ok') =>
  (): Promise<string> =>
    Promise.resolve(value);

/** Makes `count` calls through `breaker` that fail, swallowing the rejections. */
export async function failTimes(breaker: Breaker, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await breaker.execute(failing()).catch(() => undefined);
}

/** Makes `count` calls through `breaker` that succeed. */
export async function succeedTimes(breaker: Breaker, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await breaker.execute(succeeding());
}

/** A promise whose outcome the test decides later: a call still running. */
export interface Pending<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function pending<T = string>(): Pending<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * Starts a call through `breaker` that runs until the test settles `call`. The outcome is
 * marked handled, so an assertion failing before the test awaits it cannot crash the run with
 * an unhandled rejection; awaiting it still rejects as usual.
 */
export function start<T>(breaker: Breaker, call: Pending<T>): Promise<Awaited<T>> {
  const outcome = breaker.execute(() => call.promise);
  outcome.catch(() => undefined);
  return outcome;
}
