import { Injectable } from '@nestjs/common';

/**
 * Text of the upstream's failure. It stands for what a real downstream error may carry
 * (hosts, credentials); the suites assert that a refused client never sees it.
 */
export const UPSTREAM_SECRET = 'upstream exploded at db.internal:5432 with password=hunter2';

/**
 * A stand-in for a remote dependency: the test switches it down and up, or makes it answer
 * with a chosen error, and reads how often it was called.
 */
@Injectable()
export class Upstream {
  /** Calls that reached the upstream. */
  calls = 0;

  private failure: (() => Error) | null = null;

  /** Answers `answer: <query>`, or throws the failure the test set. */
  async fetch(query: string): Promise<string> {
    this.calls++;
    if (this.failure !== null) throw this.failure();

    return `answer: ${query}`;
  }

  /** Makes every call fail with an error carrying {@link UPSTREAM_SECRET}. */
  goDown(): void {
    this.failWith(() => new Error(UPSTREAM_SECRET));
  }

  /** Makes every call fail with the errors `make` builds. */
  failWith(make: () => Error): void {
    this.failure = make;
  }

  /** Makes every call succeed again. */
  comeBack(): void {
    this.failure = null;
  }

  /** Back to up, with no calls counted. */
  reset(): void {
    this.calls = 0;
    this.failure = null;
  }
}
