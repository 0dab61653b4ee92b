import 'reflect-metadata';
import type { DynamicModule } from '@nestjs/common';
import {
  Controller,
  Get,
  Injectable,
  Module,
  NotFoundException,
  Param,
  UseInterceptors,
} from '@nestjs/common';
import type { Clock } from 'nestjs-circuit-breaker';
import {
  CircuitBreaker,
  CircuitBreakerInterceptor,
  CircuitBreakerModule,
} from 'nestjs-circuit-breaker';
import { Upstream } from '../support/upstream.js';

/** The item id for which the inventory answers 404: a client error, not an outage. */
export const MISSING_ITEM = 'missing';

/** A service whose method is guarded by the `inventory` breaker. */
@Injectable()
export class InventoryService {
  constructor(private readonly upstream: Upstream) {}

  @CircuitBreaker('inventory')
  async lookup(id: string): Promise<string> {
    if (id === MISSING_ITEM) throw new NotFoundException(`No item ${id}`);

    return this.upstream.fetch(id);
  }
}

/** A controller with no breaker decorator and no interceptor of its own. */
@Controller('inventory')
export class InventoryController {
  constructor(private readonly inventory: InventoryService) {}

  @Get(':id')
  async item(@Param('id') id: string): Promise<{ item: string }> {
    return { item: await this.inventory.lookup(id) };
  }
}

/**
 * A controller that binds the interceptor itself and guards its handler with the `reports`
 * breaker, so the interceptor sits on the handler three times once it is bound globally too.
 */
@Controller('reports')
@UseInterceptors(CircuitBreakerInterceptor)
export class ReportsController {
  constructor(private readonly upstream: Upstream) {}

  @Get()
  @CircuitBreaker('reports')
  async report(): Promise<{ report: string }> {
    return { report: await this.upstream.fetch('report') };
  }
}

/**
 * Binds the interceptor on the controller over a handler without a decorator that calls the
 * decorated `inventory` service.
 */
@Controller('stock')
@UseInterceptors(CircuitBreakerInterceptor)
export class StockController {
  constructor(private readonly inventory: InventoryService) {}

  @Get(':id')
  async stock(@Param('id') id: string): Promise<{ stock: string }> {
    return { stock: await this.inventory.lookup(id) };
  }
}

/** The Express application of the HTTP suite, its breakers reading the given clock. */
@Module({})
export class HttpAppModule {
  static withClock(clock: Clock): DynamicModule {
    return {
      module: HttpAppModule,
      imports: [
        CircuitBreakerModule.forRoot({
          isGlobal: true,
          defaults: { clock, failureThreshold: 2, timeout: 10_000 },
        }),
      ],
      controllers: [InventoryController, ReportsController, StockController],
      providers: [Upstream, InventoryService],
    };
  }
}
