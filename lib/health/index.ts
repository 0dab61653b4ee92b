export * from './circuit-breaker.health.js';
