import { BadRequestException } from '@nestjs/common';

/** The body of `POST /completions` and the payload of the `complete` message. */
export interface CompletionRequest {
  readonly prompt?: unknown;
}

/** What a completion request answers. */
export interface CompletionResponse {
  readonly completion: string;
}

/**
 * The prompt of a request, checked before the model API is called so a malformed request is
 * answered 400 and never counts against the breaker.
 *
 * @throws BadRequestException when the prompt is missing, not a string, blank or too long.
 */
export function promptOf(request: CompletionRequest | undefined | null): string {
  const prompt = request?.prompt;
  if (typeof prompt !== 'string' || prompt.trim() === '' || prompt.length > 4000) {
    throw new BadRequestException('Send a prompt: a non-empty string of at most 4000 characters.');
  }

  return prompt;
}
