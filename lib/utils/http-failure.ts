import { HttpException } from '@nestjs/common';

/**
 * The Nest layer's default failure rule: every error counts, except an `HttpException` with a
 * status below 500. A 404 or 422 from a downstream call says the request was wrong, not that
 * the downstream is down.
 *
 * Replace it with the `isFailure` breaker option.
 */
export function isServerFailure(error: unknown): boolean {
  return !(error instanceof HttpException && error.getStatus() < 500);
}
