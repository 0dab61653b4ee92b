export * from './circuit-breaker-module-options.interface.js';
