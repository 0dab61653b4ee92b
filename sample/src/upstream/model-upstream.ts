import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Where the fake model API listens. */
export interface ModelUpstreamOptions {
  /** Interface to listen on; default `127.0.0.1`. */
  readonly host?: string;
  /** Port to listen on; default 0, chosen by the OS. */
  readonly port?: number;
}

/** How the fake model API misbehaves while failing. */
export interface FailureMode {
  /** Milliseconds to wait before answering the 500, to imitate an overloaded service. */
  readonly delayMs?: number;
  /**
   * Fail only the completions of this model (`POST /v1/models/<model>/complete`); without it,
   * every call fails.
   */
  readonly model?: string;
}

/** What the fake model API is doing, as the sample's admin routes report it. */
export interface ModelUpstreamStatus {
  readonly url: string;
  /** Whether every call fails. */
  readonly failing: boolean;
  /** Delay of the 500s while every call fails. */
  readonly delayMs: number;
  /** Models whose completions fail on their own. */
  readonly failingModels: string[];
  /** Calls to any route since start, failed ones included. */
  readonly hits: number;
  /** Calls to `POST /v1/models/<model>/complete` since start, by model. */
  readonly modelHits: Record<string, number>;
}

/** The models `GET /v1/models` lists. The fake completes for any name; this is its catalog. */
export const UPSTREAM_MODELS: readonly string[] = ['gpt-x', 'other', 'tiny'];

const MAX_BODY_BYTES = 64 * 1024;
const MODEL_ROUTE = /^\/v1\/models\/([^/]+)\/complete$/;

/**
 * A stand-in for a hosted model API on a real `node:http` server:
 *
 * - `POST /v1/complete` with `{ prompt }` answers `{ completion }` from the default model;
 * - `POST /v1/models/<model>/complete` with `{ prompt }` answers `{ completion }` from `model`;
 * - `GET /v1/models` answers `{ models }`.
 *
 * Each answers HTTP 500 while failing, and a model's completions also while that model fails.
 * It knows nothing of Nest or of circuit breakers, so whatever the app's breakers do shows in
 * its hit counters.
 */
export class ModelUpstream {
  /** Delay of the 500s while every call fails; `null` while calls succeed. */
  private failure: { readonly delayMs: number } | null = null;
  /** Models failing on their own, with the delay of their 500s. */
  private readonly failingModels = new Map<string, number>();
  private hitCount = 0;
  private readonly modelHits = new Map<string, number>();
  private readonly delays = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    /** Base URL of the API, such as `http://127.0.0.1:41234`. */
    readonly url: string,
  ) {}

  /** Starts the server and resolves once it listens. */
  static async start(options: ModelUpstreamOptions = {}): Promise<ModelUpstream> {
    const host = options.host ?? '127.0.0.1';
    let upstream: ModelUpstream | undefined;
    const server = createServer((request, response) => upstream!.handle(request, response));

    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });

    const { port } = server.address() as AddressInfo;
    upstream = new ModelUpstream(
      server,
      `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    );
    return upstream;
  }

  /** Whether the server still accepts connections. */
  get listening(): boolean {
    return this.server.listening;
  }

  /** Calls to any route so far. */
  get hits(): number {
    return this.hitCount;
  }

  /** A snapshot of the failure modes and the hit counters. */
  status(): ModelUpstreamStatus {
    return {
      url: this.url,
      failing: this.failure !== null,
      delayMs: this.failure?.delayMs ?? 0,
      failingModels: [...this.failingModels.keys()],
      hits: this.hitCount,
      modelHits: Object.fromEntries(this.modelHits),
    };
  }

  /**
   * From now on every call answers HTTP 500, or with `mode.model` only that model's
   * completions do; after `delayMs` if given.
   */
  fail(mode: FailureMode = {}): void {
    const delayMs = Math.max(0, mode.delayMs ?? 0);
    if (mode.model === undefined) this.failure = { delayMs };
    else this.failingModels.set(mode.model, delayMs);
  }

  /** From now on calls succeed again: all of them, or with `model` that model's completions. */
  recover(model?: string): void {
    if (model !== undefined) {
      this.failingModels.delete(model);
      return;
    }

    this.failure = null;
    this.failingModels.clear();
  }

  /** Stops listening and drops open connections, including keep-alive ones; safe to call twice. */
  async close(): Promise<void> {
    for (const delay of this.delays) clearTimeout(delay);
    this.delays.clear();
    if (!this.server.listening) return;

    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const route = routeOf(request);
    if (route === null) {
      send(response, 404, { error: 'Not found' });
      return;
    }

    this.hitCount++;
    if (route.kind === 'catalog') {
      this.answer(undefined, response, () => ({ status: 200, body: { models: UPSTREAM_MODELS } }));
      return;
    }

    if (route.model !== undefined) {
      this.modelHits.set(route.model, (this.modelHits.get(route.model) ?? 0) + 1);
    }
    readJson(request).then(
      (body) => this.answer(route.model, response, () => completionOf(body, route.model)),
      () => send(response, 400, { error: 'The body must be JSON of at most 64 KiB.' }),
    );
  }

  /** Answers 500 if the call fails, by every call or by `model`'s; otherwise `reply()`. */
  private answer(model: string | undefined, response: ServerResponse, reply: () => Reply): void {
    const delayMs =
      this.failure?.delayMs ?? (model === undefined ? undefined : this.failingModels.get(model));
    if (delayMs !== undefined) {
      this.later(delayMs, () => send(response, 500, { error: 'The model is overloaded.' }));
      return;
    }

    const { status, body } = reply();
    send(response, status, body);
  }

  private later(delayMs: number, answer: () => void): void {
    if (delayMs === 0) {
      answer();
      return;
    }

    const delay = setTimeout(() => {
      this.delays.delete(delay);
      answer();
    }, delayMs);
    this.delays.add(delay);
  }
}

type Route = { kind: 'catalog' } | { kind: 'complete'; model?: string };

interface Reply {
  readonly status: number;
  readonly body: object;
}

function routeOf(request: IncomingMessage): Route | null {
  if (request.method === 'GET' && request.url === '/v1/models') return { kind: 'catalog' };
  if (request.method !== 'POST') return null;
  if (request.url === '/v1/complete') return { kind: 'complete' };

  const match = MODEL_ROUTE.exec(request.url ?? '');
  if (match === null) return null;
  try {
    return { kind: 'complete', model: decodeURIComponent(match[1]!) };
  } catch {
    return null;
  }
}

/** The "model": deterministic, so tests and the demo can check what came back. */
function completionOf(body: unknown, model: string | undefined): Reply {
  const prompt = (body as { prompt?: unknown } | null)?.prompt;
  if (typeof prompt !== 'string' || prompt.trim() === '') {
    return { status: 400, body: { error: 'Send { "prompt": "..." } with a non-empty prompt.' } };
  }

  const speaker = model === undefined ? 'the model' : model;
  return { status: 200, body: { completion: `Echo from ${speaker}: ${prompt.trim()}` } };
}

function send(response: ServerResponse, status: number, body: object): void {
  if (response.destroyed) return;
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new RangeError('body too large');
    chunks.push(chunk);
  }

  return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
}
