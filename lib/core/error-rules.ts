import type { ResolvedBreakerOptions } from './breaker-options.js';

/**
 * Whether an error counts as a failure, by the breaker's rules in this order:
 *
 * 1. an instance of a class in `ignoreErrors` is ignored;
 * 2. an instance of a class in `recordErrors` counts;
 * 3. otherwise `isFailure` decides, and an `isFailure` that throws counts the error: a broken
 *    rule must not hide failures or leak its own error to the caller.
 */
export function countsAsFailure(options: ResolvedBreakerOptions, error: unknown): boolean {
  if (isInstanceOfAny(error, options.ignoreErrors)) return false;
  if (isInstanceOfAny(error, options.recordErrors)) return true;

  try {
    return options.isFailure(error);
  } catch {
    return true;
  }
}

function isInstanceOfAny(error: unknown, classes: ResolvedBreakerOptions['recordErrors']): boolean {
  for (const errorClass of classes) {
    if (error instanceof errorClass) return true;
  }

  return false;
}
