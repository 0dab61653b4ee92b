import { BadGatewayException, Inject, Injectable } from '@nestjs/common';
import { CircuitBreaker, isCircuitOpenError } from 'nestjs-circuit-breaker';
import { callModelApi } from './model-api.fetch.js';
import type { ModelApiOptions } from './model-api.options.js';
import { MODEL_API_OPTIONS } from './model-api.options.js';

/** What `GET /models` answers. */
export interface ModelCatalog {
  /** The model names the model API offers. */
  readonly models: readonly string[];
  /** `live` when read from the model API now, `fallback` when the breaker's fallback answered. */
  readonly source: 'live' | 'fallback';
  /** Why the fallback answered: the call `failed`, or the breaker `refused` it. Fallbacks only. */
  readonly reason?: 'failed' | 'refused';
  /** When the list was read from the model API (ISO 8601); absent when it never was. */
  readonly fetchedAt?: string;
}

/**
 * The model API's list of models, behind the `model-catalog` breaker with a fallback: while the
 * model API fails, and while the breaker is open, callers get the last list read, marked
 * `source: 'fallback'`, instead of an error. A list of names changes rarely, so a stale one is
 * a better answer than a 503; completions, which cannot be made up, get no such fallback.
 */
@Injectable()
export class ModelCatalogService {
  private lastKnown: { readonly models: readonly string[]; readonly fetchedAt: string } | null =
    null;

  constructor(@Inject(MODEL_API_OPTIONS) private readonly options: ModelApiOptions) {}

  /**
   * Reads the list from the model API, and keeps it for the fallback.
   *
   * Never rejects for a failure of the model API or a refusal of the breaker: the breaker counts
   * it, then {@link lastKnownCatalog} answers.
   */
  @CircuitBreaker('model-catalog', { fallback: 'lastKnownCatalog' })
  async list(): Promise<ModelCatalog> {
    const models = ((await callModelApi(this.options, '/v1/models')) as { models?: unknown } | null)
      ?.models;
    if (!Array.isArray(models) || !models.every((model) => typeof model === 'string')) {
      throw new BadGatewayException('The model API answered without a list of models.');
    }

    this.lastKnown = { models, fetchedAt: new Date().toISOString() };
    return { models, source: 'live', fetchedAt: this.lastKnown.fetchedAt };
  }

  /**
   * The fallback of {@link list}, called by the breaker with the error of a failed or refused
   * call: the last list read, or none if the model API never answered.
   */
  lastKnownCatalog(error: unknown): ModelCatalog {
    return {
      models: this.lastKnown?.models ?? [],
      source: 'fallback',
      reason: isCircuitOpenError(error) ? 'refused' : 'failed',
      ...(this.lastKnown === null ? {} : { fetchedAt: this.lastKnown.fetchedAt }),
    };
  }
}
