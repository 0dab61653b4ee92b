import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import type { CompletionRequest, CompletionResponse } from './completion.dto.js';
import { promptOf } from './completion.dto.js';
import { ModelApiService } from './model-api.service.js';

/**
 * Completions over HTTP. The handlers are not decorated: the breaker sits on the service, and
 * the globally bound `CircuitBreakerInterceptor` turns its refusals into 503 + `Retry-After`.
 */
@Controller('completions')
export class CompletionsController {
  constructor(private readonly modelApi: ModelApiService) {}

  /** `POST /completions` with `{ "prompt": "..." }`. */
  @Post()
  @HttpCode(200)
  async create(@Body() body: CompletionRequest): Promise<CompletionResponse> {
    return { completion: await this.modelApi.complete(promptOf(body)) };
  }

  /** `GET /completions?prompt=...`, handy from a browser or curl. */
  @Get()
  async read(@Query('prompt') prompt?: string): Promise<CompletionResponse> {
    return { completion: await this.modelApi.complete(promptOf({ prompt })) };
  }
}
