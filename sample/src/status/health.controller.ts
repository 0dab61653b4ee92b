import { Controller, Get } from '@nestjs/common';
import type { HealthCheckResult } from '@nestjs/terminus';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { CircuitBreakerHealthIndicator } from 'nestjs-circuit-breaker/health';

/**
 * `GET /health`: 200 while the model API's breaker is closed (or half-open, reported as
 * degraded), 503 with `model-api` down while it is open, so a load balancer or orchestrator
 * sees the outage the breaker sees.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly breakers: CircuitBreakerHealthIndicator,
  ) {}

  /** The terminus report with one entry per breaker. */
  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([() => this.breakers.isHealthy()]);
  }
}
