import type { LoggerService } from '@nestjs/common';
import type { BreakerOptions } from '../core/index.js';

/**
 * Configuration of `CircuitBreakerModule`: defaults for every breaker and overrides per name.
 *
 * Layers apply in this order, later ones winning: the library defaults, `defaults`,
 * `breakers[name]`, then the options given to a `@CircuitBreaker(name, options)` use.
 */
export interface CircuitBreakerModuleOptions {
  /** Options for every breaker of the application. */
  defaults?: BreakerOptions;
  /** Options per breaker name, over `defaults`. */
  breakers?: Record<string, BreakerOptions>;
  /**
   * Where state changes are logged, once per change. Default: Nest's `Logger` with the
   * context `CircuitBreaker`; `false` logs nothing.
   */
  logger?: LoggerService | false;
}

/**
 * A class that builds the module options, for `forRootAsync({ useClass })` or `useExisting`.
 *
 * @example
 * ```ts
 * @Injectable()
 * class BreakerConfig implements CircuitBreakerOptionsFactory {
 *   createCircuitBreakerOptions() {
 *     return { defaults: { timeout: 10_000 } };
 *   }
 * }
 * ```
 */
export interface CircuitBreakerOptionsFactory {
  /** Returns the module options, or a Promise of them. */
  createCircuitBreakerOptions(): CircuitBreakerModuleOptions | Promise<CircuitBreakerModuleOptions>;
}
