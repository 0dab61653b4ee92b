import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { BreakerRegistry } from './breaker.registry.js';
import { CircuitBreakerExplorer } from './circuit-breaker.explorer.js';
import { ConfigurableModuleClass, OPTIONS_TYPE } from './circuit-breaker.module-definition.js';
import { EventEmitterForwarder } from './events/event-emitter.forwarder.js';
import { CircuitBreakerInterceptor } from './interceptors/circuit-breaker.interceptor.js';

/**
 * Provides the application's {@link BreakerRegistry} and the interceptor, configured once.
 *
 * Import it once, in the root module: `isGlobal: true` lets every module's decorated providers
 * reach the registry; without it, only the importing module's do.
 *
 * @example
 * ```ts
 * @Module({
 *   imports: [
 *     CircuitBreakerModule.forRoot({
 *       isGlobal: true,
 *       defaults: { failureThreshold: 5, timeout: 30_000 },
 *       breakers: { 'model-api': { timeout: 10_000 } },
 *     }),
 *   ],
 * })
 * export class AppModule {}
 * ```
 *
 * @example
 * ```ts
 * CircuitBreakerModule.forRootAsync({
 *   isGlobal: true,
 *   imports: [ConfigModule],
 *   inject: [ConfigService],
 *   useFactory: (config: ConfigService) => ({
 *     defaults: { timeout: config.get('BREAKER_TIMEOUT_MS') },
 *   }),
 * });
 * ```
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    BreakerRegistry,
    CircuitBreakerExplorer,
    CircuitBreakerInterceptor,
    EventEmitterForwarder,
  ],
  exports: [BreakerRegistry, CircuitBreakerInterceptor],
})
export class CircuitBreakerModule extends ConfigurableModuleClass {
  /** The module with these options; with none, every breaker takes the library defaults. */
  static override forRoot(options: typeof OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot(options);
  }
}
