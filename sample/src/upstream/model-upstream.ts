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
}

/** What the fake model API is doing, as the sample's admin routes report it. */
export interface ModelUpstreamStatus {
  readonly url: string;
  readonly failing: boolean;
  readonly delayMs: number;
  /** Calls to `POST /v1/complete` since start, failed ones included. */
  readonly hits: number;
}

const MAX_BODY_BYTES = 64 * 1024;

/**
 * A stand-in for a hosted model API on a real `node:http` server: `POST /v1/complete` with
 * `{ prompt }` answers `{ completion }`, or HTTP 500 while failing. It knows nothing of Nest
 * or of circuit breakers, so whatever the app's breaker does shows in its hit counter.
 */
export class ModelUpstream {
  private failure: FailureMode | null = null;
  private hitCount = 0;
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

  /** Calls to `POST /v1/complete` so far. */
  get hits(): number {
    return this.hitCount;
  }

  /** A snapshot of the failure mode and the hit counter. */
  status(): ModelUpstreamStatus {
    return {
      url: this.url,
      failing: this.failure !== null,
      delayMs: this.failure?.delayMs ?? 0,
      hits: this.hitCount,
    };
  }

  /** From now on every completion answers HTTP 500, after `delayMs` if given. */
  fail(mode: FailureMode = {}): void {
    this.failure = { delayMs: Math.max(0, mode.delayMs ?? 0) };
  }

  /** From now on completions succeed again. */
  recover(): void {
    this.failure = null;
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
    if (request.method !== 'POST' || request.url !== '/v1/complete') {
      send(response, 404, { error: 'Not found' });
      return;
    }

    this.hitCount++;
    readJson(request).then(
      (body) => this.answer(body, response),
      () => send(response, 400, { error: 'The body must be JSON of at most 64 KiB.' }),
    );
  }

  private answer(body: unknown, response: ServerResponse): void {
    const failure = this.failure;
    if (failure !== null) {
      this.later(failure.delayMs ?? 0, () =>
        send(response, 500, { error: 'The model is overloaded.' }),
      );
      return;
    }

    const prompt = (body as { prompt?: unknown } | null)?.prompt;
    if (typeof prompt !== 'string' || prompt.trim() === '') {
      send(response, 400, { error: 'Send { "prompt": "..." } with a non-empty prompt.' });
      return;
    }

    send(response, 200, { completion: complete(prompt) });
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

/** The "model": deterministic, so tests and the demo can check what came back. */
function complete(prompt: string): string {
  return `Echo from the model: ${prompt.trim()}`;
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
