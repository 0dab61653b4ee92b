import type { LoggerService } from '@nestjs/common';
import type { BreakerOptions } from '../core/index.js';

/** Default of {@link CircuitBreakerModuleOptions.maxBreakers}. */
export const DEFAULT_MAX_BREAKERS = 10_000;

/** Default of {@link CircuitBreakerModuleOptions.idleTimeout}: ten minutes. */
export const DEFAULT_IDLE_TIMEOUT = 600_000;

/**
 * Configuration of `CircuitBreakerModule`: defaults for every breaker and overrides per name.
 *
 * Layers apply in this order, later ones winning: the library defaults, `defaults`, the
 * `breakers` patterns matching the name (least specific first), `breakers[name]`, then the
 * options given to a `@CircuitBreaker(name, options)` use. A per-key breaker takes its base
 * breaker's options, then the patterns that match its own name but not the base name, then
 * `breakers[its name]`.
 */
export interface CircuitBreakerModuleOptions {
  /** Options for every breaker of the application. */
  defaults?: BreakerOptions;
  /**
   * Options per breaker name, over `defaults`. A key holding `*` is a pattern: `*` matches any
   * run of characters, so `payments-*` configures every breaker whose name starts with
   * `payments-`. An exact name wins over every pattern; among patterns the one with the most
   * characters other than `*` wins, then the one with fewer `*`, then the one written later.
   */
  breakers?: Record<string, BreakerOptions>;
  /**
   * The most breakers the registry holds. Named breakers always get their place; per-key
   * breakers (from the decorator's `key` option) take the rest, and at the limit the least
   * recently used closed or idle one makes room. When none can, calls for a new key run
   * through the base breaker. Whole number ≥ 1; default 10 000.
   */
  maxBreakers?: number;
  /**
   * Milliseconds after which a per-key breaker that is not used, not open and runs no trial
   * call is dropped; checked when the registry is used, never by a timer. Named breakers are
   * never dropped. Whole number ≥ 1; default 600 000 (ten minutes).
   */
  idleTimeout?: number;
  /**
   * Where state changes are logged, once per change. Default: Nest's `Logger` with the
   * context `CircuitBreaker`; `false` logs nothing.
   */
  logger?: LoggerService | false;
  /**
   * Forwards every breaker event to `@nestjs/event-emitter` as `circuit-breaker.<type>` (for
   * example `circuit-breaker.state-change`), so `@OnEvent()` handlers receive them. Needs the
   * optional peer installed and `EventEmitterModule.forRoot()` imported; start-up fails
   * otherwise. While on, every call is timed for its event. Default: false.
   */
  eventEmitter?: boolean;
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
