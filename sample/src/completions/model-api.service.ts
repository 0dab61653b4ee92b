import { BadGatewayException, GatewayTimeoutException, Inject, Injectable } from '@nestjs/common';
import { CircuitBreaker } from 'nestjs-circuit-breaker';
import type { ModelApiOptions } from './model-api.options.js';
import { MODEL_API_OPTIONS } from './model-api.options.js';

/**
 * The app's client of the model API. Every call goes through the `model-api` breaker: after
 * enough failures in a row the breaker refuses calls for a while, so callers get an immediate
 * 503 instead of waiting on a service that is down, and the service gets room to recover.
 */
@Injectable()
export class ModelApiService {
  constructor(@Inject(MODEL_API_OPTIONS) private readonly options: ModelApiOptions) {}

  /**
   * Asks the model API to complete a prompt.
   *
   * @throws BadGatewayException when the API answers outside 2xx or without a completion, and
   * GatewayTimeoutException when it does not answer in time; both count as breaker failures.
   * @throws CircuitOpenError (rejected) while the breaker is open; the API is not called.
   */
  @CircuitBreaker('model-api')
  async complete(prompt: string): Promise<string> {
    let response: Response;
    try {
      response = await fetch(new URL('/v1/complete', this.options.baseUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt }),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
    } catch (error) {
      if ((error as Error | null)?.name === 'TimeoutError') {
        throw new GatewayTimeoutException(
          `The model API did not answer within ${this.options.requestTimeoutMs} ms.`,
        );
      }
      throw new BadGatewayException('The model API could not be reached.', { cause: error });
    }

    if (!response.ok) {
      // Drain the body so the connection can be reused.
      await response.arrayBuffer().catch(() => undefined);
      throw new BadGatewayException(`The model API answered HTTP ${response.status}.`);
    }

    const body = (await response.json().catch(() => null)) as { completion?: unknown } | null;
    if (typeof body?.completion !== 'string') {
      throw new BadGatewayException('The model API answered without a completion.');
    }

    return body.completion;
  }
}
