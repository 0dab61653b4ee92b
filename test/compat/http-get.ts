import type { IncomingHttpHeaders } from 'node:http';
import { get } from 'node:http';

/** A finished response with its body parsed as JSON. */
export interface JsonResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

/**
 * GETs a path from 127.0.0.1 over a fresh connection (no agent, so no socket outlives the
 * request) and parses the JSON body.
 */
export function getJson(port: number, path: string): Promise<JsonResponse> {
  return new Promise((resolve, reject) => {
    const request = get({ host: '127.0.0.1', port, path, agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('error', reject);
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        try {
          resolve({ status, headers: response.headers, body: JSON.parse(text) });
        } catch (error) {
          const message = `GET ${path} answered ${status} with a body that is not JSON: ${text}`;
          reject(new Error(message, { cause: error }));
        }
      });
    });
    request.on('error', reject);
  });
}
