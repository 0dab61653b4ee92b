import type { BreakerOptions } from '../core/index.js';

/**
 * Derives a call's key from the guarded method's arguments (called with the method's `this`).
 * It must return a string; see {@link CircuitBreakerDecoratorOptions.key}.
 */
export type BreakerKeyFunction = (...args: never[]) => string;

/**
 * Options of one `@CircuitBreaker(name, options)` use: the breaker's options, plus `key` and
 * a per-use `fallback`.
 */
export interface CircuitBreakerDecoratorOptions extends Omit<BreakerOptions, 'fallback'> {
  /**
   * Answers in place of a call that failed, was refused or timed out (never for an ignored
   * error): a function, or the name of a method of the same class, called with the method's
   * `this`, the error, then the call's arguments. A name the class does not have fails when
   * the class is defined. Its own error reaches the caller. It belongs to this use, not to the
   * breaker: other uses of the name keep their own, or the breaker's `fallback` option.
   *
   * @example
   * ```ts
   * @CircuitBreaker('model-api', { fallback: 'cachedCompletion' })
   * complete(prompt: string) {}
   *
   * cachedCompletion(error: unknown, prompt: string) {}
   * ```
   */
  fallback?: string | ((error: unknown, ...args: never[]) => unknown);

  /**
   * Gives each key its own breaker: the function receives the call's arguments and returns
   * the key (a tenant, a host, a model name), and the call runs through the breaker named
   * `<name>:<key>`, created on first use and configured like `name`'s breaker. In the name,
   * `%` and `:` in the key read `%25` and `%3A`, so `hosts` with key `db:5432` is
   * `hosts:db%3A5432`.
   *
   * When it throws, the caller gets its error; when it returns anything but a string, a
   * `TypeError`. Either way the method does not run and no breaker counts the call.
   *
   * @example
   * ```ts
   * @CircuitBreaker('model-api', { key: (model: string) => model })
   * complete(model: string, prompt: string) {}
   * ```
   */
  key?: BreakerKeyFunction;
}
