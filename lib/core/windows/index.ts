/**
 * Sliding windows over call outcomes for rate-based trip rules: the last N calls
 * ({@link CountWindow}) or the last T milliseconds ({@link TimeWindow}), both recording at
 * constant cost.
 */
export * from './outcome.js';
export * from './outcome-window.js';
export * from './count-window.js';
export * from './time-window.js';
