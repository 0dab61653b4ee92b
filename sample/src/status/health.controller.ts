import { Controller, Get } from '@nestjs/common';
import type { HealthCheckResult } from '@nestjs/terminus';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { CircuitBreakerHealthIndicator } from 'nestjs-circuit-breaker/health';

/**
 * Breakers whose opening means this instance cannot serve its main route. The per-model
 * breakers are left out on purpose: one failing model must not take the instance out of a load
 * balancer, which would refuse every model; nor is `model-catalog`, whose fallback still
 * answers while it is open. `GET /breakers` shows them all.
 */
const READINESS_BREAKERS = ['model-api'];

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

  /** The terminus report with the `model-api` breaker's entry. */
  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([() => this.breakers.isHealthy(READINESS_BREAKERS)]);
  }
}
