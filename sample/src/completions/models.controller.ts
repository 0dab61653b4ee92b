import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import type { CompletionRequest, CompletionResponse } from './completion.dto.js';
import { modelOf, promptOf } from './completion.dto.js';
import { ModelApiService } from './model-api.service.js';
import type { ModelCatalog } from './model-catalog.service.js';
import { ModelCatalogService } from './model-catalog.service.js';

/**
 * The model API's models over HTTP: the catalog, which falls back to its last known list, and
 * completions by a named model, each model behind its own breaker. As in
 * `CompletionsController`, the breakers sit on the services, and the global interceptor turns
 * refusals into 503 + `Retry-After`.
 */
@Controller('models')
export class ModelsController {
  constructor(
    private readonly modelApi: ModelApiService,
    private readonly catalog: ModelCatalogService,
  ) {}

  /** `GET /models`: the model names, live or (`source: 'fallback'`) the last known ones. */
  @Get()
  list(): Promise<ModelCatalog> {
    return this.catalog.list();
  }

  /** `POST /models/:model/completions` with `{ "prompt": "..." }`. */
  @Post(':model/completions')
  @HttpCode(200)
  async create(
    @Param('model') model: string,
    @Body() body: CompletionRequest,
  ): Promise<CompletionResponse> {
    return { completion: await this.modelApi.completeWith(modelOf(model), promptOf(body)) };
  }
}
