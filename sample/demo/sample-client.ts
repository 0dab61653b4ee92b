import type { BreakerStats } from 'nestjs-circuit-breaker';
import type { ModelCatalog } from '../src/completions/model-catalog.service.js';
import type { FailureMode, ModelUpstreamStatus } from '../src/upstream/model-upstream.js';

/** One HTTP answer, reduced to what the demo looks at. */
export interface Answer<T = unknown> {
  readonly status: number;
  /** The `Retry-After` header, or `null` when absent. */
  readonly retryAfter: string | null;
  readonly body: T;
}

/**
 * What `POST /completions` and `POST /models/:model/completions` answer: a completion, or an
 * error body naming the breaker.
 */
export interface CompletionAnswer {
  readonly completion?: string;
  readonly message?: string;
  readonly breaker?: string;
  readonly retryAfter?: number;
}

/** The parts of a terminus report the demo reads. */
export interface HealthReport {
  readonly status?: string;
  readonly details?: Record<string, { readonly status?: string } | undefined>;
}

/**
 * The demo's client of the running sample: plain `fetch` calls to its HTTP routes, as any
 * other client would make them.
 */
export class SampleClient {
  constructor(private readonly baseUrl: string) {}

  /** `POST /completions`. */
  complete(prompt: string): Promise<Answer<CompletionAnswer>> {
    return this.request('POST', '/completions', { prompt });
  }

  /** `POST /models/:model/completions`. */
  completeWith(model: string, prompt: string): Promise<Answer<CompletionAnswer>> {
    return this.request('POST', `/models/${encodeURIComponent(model)}/completions`, { prompt });
  }

  /** `GET /models`: the model catalog, live or from its fallback. */
  models(): Promise<Answer<ModelCatalog>> {
    return this.request('GET', '/models');
  }

  /** `GET /health`. */
  health(): Promise<Answer<HealthReport>> {
    return this.request('GET', '/health');
  }

  /** Every breaker's stats, from `GET /breakers`. */
  async breakers(): Promise<BreakerStats[]> {
    return (await this.request<BreakerStats[]>('GET', '/breakers')).body;
  }

  /** One breaker's stats from `GET /breakers`. */
  async breaker(name: string): Promise<BreakerStats> {
    const stats = (await this.breakers()).find((breaker) => breaker.name === name);
    if (stats === undefined)
      throw new Error(`GET /breakers lists no breaker named ${JSON.stringify(name)}.`);

    return stats;
  }

  /** The fake model API's state and hit counter, from `GET /upstream`. */
  async upstream(): Promise<ModelUpstreamStatus> {
    return (await this.request<ModelUpstreamStatus>('GET', '/upstream')).body;
  }

  /**
   * `POST /upstream/fail`: the model API answers 500 from now on, to every call or with
   * `mode.model` to that model's completions.
   */
  async failUpstream(mode: FailureMode = {}): Promise<void> {
    await this.request('POST', '/upstream/fail', mode);
  }

  /** `POST /upstream/recover`: the model API answers normally again, or only `model` does. */
  async recoverUpstream(model?: string): Promise<void> {
    await this.request('POST', '/upstream/recover', model === undefined ? {} : { model });
  }

  private async request<T>(method: string, path: string, body?: object): Promise<Answer<T>> {
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(5000),
    });
    const text = await response.text();

    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      body: (text === '' ? null : JSON.parse(text)) as T,
    };
  }
}
