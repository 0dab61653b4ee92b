import { Controller, Get } from '@nestjs/common';
import type { BreakerStats } from 'nestjs-circuit-breaker';
import { BreakerRegistry } from 'nestjs-circuit-breaker';

/** `GET /breakers`: every breaker's state and counters, for dashboards and the demo. */
@Controller('breakers')
export class BreakersController {
  constructor(private readonly registry: BreakerRegistry) {}

  /** A stats snapshot per breaker. */
  @Get()
  list(): BreakerStats[] {
    return this.registry.list();
  }
}
