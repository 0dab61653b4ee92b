import { BadRequestException } from '@nestjs/common';

/**
 * The body of `POST /completions` and `POST /models/:model/completions`, and the payload of the
 * `complete` message.
 */
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

/** What the model names of the routes may look like: a short identifier, such as `gpt-x`. */
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * The model of a request, checked before any breaker sees it: each model name gets its own
 * breaker, so a request naming garbage is answered 400 and creates none.
 *
 * @throws BadRequestException when the name is not a short identifier.
 */
export function modelOf(raw: unknown): string {
  if (typeof raw !== 'string' || !MODEL_NAME.test(raw)) {
    throw new BadRequestException(
      'Name a model: letters, digits, ".", "_" or "-", starting with a letter or digit, at most 64 characters.',
    );
  }

  return raw;
}
