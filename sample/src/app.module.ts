import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { CircuitBreakerModule } from 'nestjs-circuit-breaker';
import { CompletionsModule } from './completions/completions.module.js';
import type { SampleConfig } from './config.js';
import { StatusModule } from './status/status.module.js';
import type { ModelUpstream } from './upstream/model-upstream.js';
import { UpstreamModule } from './upstream/upstream.module.js';

/**
 * The sample's root module. CircuitBreakerModule is imported once, globally, with the
 * `model-api` breaker's options from the configuration.
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
          breakers: { 'model-api': { ...config.modelApi } },
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
