export * from './circuit-breaker-module-options.interface.js';
export * from './circuit-breaker-decorator-options.interface.js';
