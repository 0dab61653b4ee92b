import { BadGatewayException, Inject, Injectable } from '@nestjs/common';
import { CircuitBreaker } from 'nestjs-circuit-breaker';
import { callModelApi } from './model-api.fetch.js';
import type { ModelApiOptions } from './model-api.options.js';
import { MODEL_API_OPTIONS } from './model-api.options.js';

/**
 * The app's client of the model API's completions.
 *
 * - Calls to the default model go through the `model-api` breaker: after enough failures in a
 *   row it refuses calls for a while, so callers get an immediate 503 instead of waiting on a
 *   service that is down, and the service gets room to recover.
 * - Calls to a named model go through that model's own breaker, `model:<name>`: one failing
 *   model is refused on its own while the others keep answering.
 */
@Injectable()
export class ModelApiService {
  constructor(@Inject(MODEL_API_OPTIONS) private readonly options: ModelApiOptions) {}

  /**
   * Asks the model API's default model to complete a prompt.
   *
   * @throws BadGatewayException or GatewayTimeoutException when the call fails; both count as
   * failures of `model-api`.
   * @throws CircuitOpenError (rejected) while `model-api` is open; the API is not called.
   */
  @CircuitBreaker('model-api')
  async complete(prompt: string): Promise<string> {
    return completionIn(await callModelApi(this.options, '/v1/complete', { prompt }));
  }

  /**
   * Asks one model of the model API to complete a prompt, through the breaker of that model.
   *
   * @param model - A model name already checked by {@link modelOf}: it is the breaker's key, so
   * it must not be free-form input.
   * @throws BadGatewayException or GatewayTimeoutException when the call fails; both count as
   * failures of `model:<model>` only.
   * @throws CircuitOpenError (rejected) while `model:<model>` is open; the API is not called.
   */
  @CircuitBreaker('model', { key: (model: string) => model })
  async completeWith(model: string, prompt: string): Promise<string> {
    const path = `/v1/models/${encodeURIComponent(model)}/complete`;
    return completionIn(await callModelApi(this.options, path, { prompt }));
  }
}

function completionIn(body: unknown): string {
  const completion = (body as { completion?: unknown } | null)?.completion;
  if (typeof completion !== 'string') {
    throw new BadGatewayException('The model API answered without a completion.');
  }

  return completion;
}
