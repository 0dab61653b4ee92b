import type { BreakerOptions } from '../core/index.js';

/**
 * Derives a call's key from the guarded method's arguments (called with the method's `this`).
 * It must return a string; see {@link CircuitBreakerDecoratorOptions.key}.
 */
export type BreakerKeyFunction = (...args: never[]) => string;

/**
 * Options of one `@CircuitBreaker(name, options)` use: the breaker's options, plus `key`.
 */
export interface CircuitBreakerDecoratorOptions extends BreakerOptions {
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
