import { BadGatewayException, GatewayTimeoutException } from '@nestjs/common';
import type { ModelApiOptions } from './model-api.options.js';

/**
 * One call to the model API: `POST` with `body` as JSON, or `GET` without one. Resolves to the
 * answer's parsed JSON body.
 *
 * @throws BadGatewayException when the API cannot be reached, answers outside 2xx or without
 * JSON, and GatewayTimeoutException when it does not answer in time: both are 5xx, so the
 * breakers count them as failures.
 */
export async function callModelApi(
  options: ModelApiOptions,
  path: string,
  body?: object,
): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(new URL(path, options.baseUrl), {
      ...(body === undefined
        ? { method: 'GET' }
        : {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          }),
      signal: AbortSignal.timeout(options.requestTimeoutMs),
    });
  } catch (error) {
    if ((error as Error | null)?.name === 'TimeoutError') {
      throw new GatewayTimeoutException(
        `The model API did not answer within ${options.requestTimeoutMs} ms.`,
      );
    }
    throw new BadGatewayException('The model API could not be reached.', { cause: error });
  }

  if (!response.ok) {
    // Drain the body so the connection can be reused.
    await response.arrayBuffer().catch(() => undefined);
    throw new BadGatewayException(`The model API answered HTTP ${response.status}.`);
  }

  try {
    return await response.json();
  } catch (error) {
    throw new BadGatewayException('The model API answered without JSON.', { cause: error });
  }
}
