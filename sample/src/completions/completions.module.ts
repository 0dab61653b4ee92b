import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { CompletionMessagesController } from './completion-messages.controller.js';
import { CompletionsController } from './completions.controller.js';
import type { ModelApiOptions } from './model-api.options.js';
import { MODEL_API_OPTIONS } from './model-api.options.js';
import { ModelApiService } from './model-api.service.js';
import { ModelCatalogService } from './model-catalog.service.js';
import { ModelsController } from './models.controller.js';

/**
 * The model API feature: the guarded clients of its completions and of its catalog, and their
 * HTTP and TCP entry points. It reaches the breaker registry because the root module imports
 * CircuitBreakerModule globally.
 */
@Module({})
export class CompletionsModule {
  /** The feature calling the model API at these options. */
  static forRoot(options: ModelApiOptions): DynamicModule {
    return {
      module: CompletionsModule,
      controllers: [CompletionsController, CompletionMessagesController, ModelsController],
      providers: [
        { provide: MODEL_API_OPTIONS, useValue: options },
        ModelApiService,
        ModelCatalogService,
      ],
      exports: [ModelApiService],
    };
  }
}
