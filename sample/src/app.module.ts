import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { CircuitBreakerModule } from 'nestjs-circuit-breaker';
import { CompletionsModule } from './completions/completions.module.js';
import type { SampleConfig } from './config.js';
import { StatusModule } from './status/status.module.js';
import type { ModelUpstream } from './upstream/model-upstream.js';
import { UpstreamModule } from './upstream/upstream.module.js';

/**
 * The sample's root module. CircuitBreakerModule is imported once, globally, with the options
 * of the sample's breakers from the configuration: `model-api`, every per-model breaker through
 * the `model:*` pattern, and `model-catalog`.
 */
@Module({})
export class AppModule {
  /**
   * The app configured by `config`, calling (and owning) the fake model API `upstream`.
   */
  static forRoot(config: SampleConfig, upstream: ModelUpstream): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CircuitBreakerModule.forRoot({
          isGlobal: true,
          // Model names come from request URLs: bound the per-model breakers the registry keeps,
          // whatever names the traffic brings (idle ones are dropped as well).
          maxBreakers: 1_000,
          breakers: {
            'model-api': { ...config.modelApi },
            'model:*': { ...config.perModel },
            // One good read of the catalog is enough to trust it again.
            'model-catalog': { ...config.modelCatalog, successThreshold: 1 },
          },
        }),
        UpstreamModule.forRoot(upstream),
        CompletionsModule.forRoot({
          baseUrl: upstream.url,
          requestTimeoutMs: config.requestTimeoutMs,
        }),
        StatusModule,
      ],
    };
  }
}
