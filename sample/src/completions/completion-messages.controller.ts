import { Controller } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import type { CompletionRequest, CompletionResponse } from './completion.dto.js';
import { promptOf } from './completion.dto.js';
import { ModelApiService } from './model-api.service.js';

/**
 * Completions over the TCP microservice, through the same guarded service: HTTP and TCP callers
 * share one `model-api` breaker, and a refusal reaches TCP clients as an RPC error naming it.
 */
@Controller()
export class CompletionMessagesController {
  constructor(private readonly modelApi: ModelApiService) {}

  /** The `complete` message, with `{ prompt }` as payload. */
  @MessagePattern('complete')
  async complete(@Payload() payload: CompletionRequest): Promise<CompletionResponse> {
    let prompt: string;
    try {
      prompt = promptOf(payload);
    } catch (error) {
      throw new RpcException({ status: 'error', message: (error as Error).message });
    }

    return { completion: await this.modelApi.complete(prompt) };
  }
}
