export { Breaker } from './breaker.js';
export * from './breaker-events.js';
export * from './call-timeout.error.js';
export * from './breaker-options.js';
export * from './breaker-permit.js';
export * from './breaker-stats.js';
export * from './circuit-open.error.js';
export * from './circuit-state.js';
export * from './clock.js';
