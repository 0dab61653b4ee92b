import 'reflect-metadata';
import type { DynamicModule } from '@nestjs/common';
import { Controller, Module } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { Clock } from 'nestjs-circuit-breaker';
import { CircuitBreaker, CircuitBreakerModule } from 'nestjs-circuit-breaker';
import { Upstream } from '../support/upstream.js';

/**
 * Two message handlers guarded by breakers, one with the breaker decorator above the pattern
 * decorator and one below it, since either order must leave the handler registered.
 */
@Controller()
export class PricingController {
  constructor(private readonly upstream: Upstream) {}

  @CircuitBreaker('prices')
  @MessagePattern('price')
  price(@Payload() item: string): Promise<string> {
    return this.upstream.fetch(item);
  }

  @MessagePattern('stock')
  @CircuitBreaker('stock')
  stock(@Payload() item: string): Promise<string> {
    return this.upstream.fetch(item);
  }
}

/** The TCP microservice of the microservice suite, its breakers reading the given clock. */
@Module({})
export class MicroserviceAppModule {
  static withClock(clock: Clock): DynamicModule {
    return {
      module: MicroserviceAppModule,
      imports: [
        CircuitBreakerModule.forRoot({
          isGlobal: true,
          defaults: { clock, failureThreshold: 2, timeout: 10_000 },
        }),
      ],
      controllers: [PricingController],
      providers: [Upstream],
    };
  }
}
