import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { CircuitBreakerModuleOptions } from './interfaces/index.js';

/**
 * The pieces `ConfigurableModuleBuilder` generates for `CircuitBreakerModule`: `forRoot`,
 * `forRootAsync` (with `useClass` classes implementing `createCircuitBreakerOptions()`), and
 * the `isGlobal` extra.
 */

export const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: CIRCUIT_BREAKER_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<CircuitBreakerModuleOptions>({ moduleName: 'CircuitBreaker' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createCircuitBreakerOptions')
  .setExtras({ isGlobal: false }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
