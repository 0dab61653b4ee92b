import { AsyncLocalStorage } from 'node:async_hooks';

/** The AbortSignal of the guarded call running in the current async context. */
const callSignals = new AsyncLocalStorage<AbortSignal>();

/**
 * The AbortSignal of the guarded call this code runs in, when its breaker has a
 * `callTimeout`: aborted, with the `CallTimeoutError` as its reason, when the call times out.
 * `undefined` outside such a call.
 *
 * A decorated method cannot be handed the signal as an argument without changing its
 * signature, so it reads it from here and passes it on.
 *
 * @example
 * ```ts
 * @CircuitBreaker('model-api', { callTimeout: 10_000 })
 * async complete(prompt: string) {
 *   const signal = currentCallSignal();
 *   const response = await fetch(url, { method: 'POST', body: prompt, signal });
 *   return response.text();
 * }
 * ```
 */
export function currentCallSignal(): AbortSignal | undefined {
  return callSignals.getStore();
}

/** Runs `fn` with `signal` as the {@link currentCallSignal} of everything it starts. */
export function runWithCallSignal<T>(signal: AbortSignal, fn: () => T): T {
  return callSignals.run(signal, fn);
}
