import { Injectable, Logger } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { HealthIndicatorService } from '@nestjs/terminus';
import { BreakerRegistry } from '../breaker.registry.js';
import type { BreakerStats } from '../core/index.js';
import { unknownHealthBreaker } from '../messages.js';

/** What the indicator reports for one breaker, beside terminus's own `status`. */
export type BreakerHealthDetails = {
  /** `closed`, `open` or `half-open`. */
  readonly state: BreakerStats['state'];
  /** `normal`, or the mode set by hand: `forced-open`, `disabled`, `metrics-only`. */
  readonly mode: BreakerStats['mode'];
  /** Failures in a row while closed. */
  readonly consecutiveFailures: number;
  /** Milliseconds until the breaker lets a call through; 0 unless open; `null` while forced open. */
  readonly retryAfterMs: number | null;
};

/**
 * A @nestjs/terminus health indicator with one entry per breaker, keyed by its name: `down`
 * while the breaker refuses calls (open, or forced open), `up` while closed or disabled.
 * Half-open, and open in metrics-only mode (it would refuse, but lets calls through), report
 * `degraded` where terminus knows that status (it keeps the check at HTTP 200) and `up` on
 * versions without it.
 *
 * @example
 * ```ts
 * @Get('health')
 * @HealthCheck()
 * check() {
 *   return this.health.check([() => this.breakers.isHealthy()]);
 * }
 * ```
 */
@Injectable()
export class CircuitBreakerHealthIndicator {
  private readonly logger = new Logger(CircuitBreakerHealthIndicator.name);
  private readonly warned = new Set<string>();

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly registry: BreakerRegistry,
  ) {}

  /**
   * Reports every breaker of the application, or only those named.
   *
   * @param names - Breakers to report. One the registry does not know yet is created, and so
   * reports closed; a warning names it once, since a misspelt name would otherwise pass
   * silently for ever.
   */
  isHealthy(names?: readonly string[]): HealthIndicatorResult {
    const breakers = names === undefined ? this.registry.names() : names;
    const result: HealthIndicatorResult = {};

    for (const name of breakers) {
      if (!this.registry.has(name)) this.warnUnknown(name);

      // Define rather than assign: a breaker named "__proto__" must become an entry, not the
      // result's prototype.
      for (const [key, entry] of Object.entries(this.report(this.registry.get(name).getStats()))) {
        Object.defineProperty(result, key, {
          value: entry,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
    }

    return result;
  }

  private warnUnknown(name: string): void {
    if (this.warned.has(name)) return;

    this.warned.add(name);
    this.logger.warn(unknownHealthBreaker(name, this.registry.names()));
  }

  /** One breaker's entry; override to add details or change what a state reports. */
  protected report(stats: BreakerStats): HealthIndicatorResult {
    const session = this.indicators.check(stats.name);
    const details: BreakerHealthDetails = {
      state: stats.state,
      mode: stats.mode,
      consecutiveFailures: stats.consecutiveFailures,
      retryAfterMs: Number.isFinite(stats.timeUntilRetry) ? stats.timeUntilRetry : null,
    };
    const degraded = () =>
      typeof session.degraded === 'function' ? session.degraded(details) : session.up(details);

    switch (stats.mode) {
      case 'forced-open':
        return session.down(details);
      case 'disabled':
        return session.up(details);
      case 'metrics-only':
        return stats.state === 'closed' ? session.up(details) : degraded();
      case 'normal':
        break;
      default:
        throw new Error(`Unknown breaker mode: ${String(stats.mode satisfies never)}`);
    }

    switch (stats.state) {
      case 'closed':
        return session.up(details);
      case 'open':
        return session.down(details);
      case 'half-open':
        return degraded();
      default:
        throw new Error(`Unknown breaker state: ${String(stats.state satisfies never)}`);
    }
  }
}
