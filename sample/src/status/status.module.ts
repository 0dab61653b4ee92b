import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CircuitBreakerHealthIndicator } from 'nestjs-circuit-breaker/health';
import { BreakersController } from './breakers.controller.js';
import { HealthController } from './health.controller.js';

/**
 * Operational endpoints: `/health` through terminus and `/breakers`. The health indicator is
 * provided here, where terminus's `HealthIndicatorService` is available.
 */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'pretty' })],
  controllers: [HealthController, BreakersController],
  providers: [CircuitBreakerHealthIndicator],
})
export class StatusModule {}
