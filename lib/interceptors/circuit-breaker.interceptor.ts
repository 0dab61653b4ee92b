import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import {
  GatewayTimeoutException,
  HttpStatus,
  Injectable,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { Observable } from 'rxjs';
import { catchError, throwError } from 'rxjs';
import type { CallTimeoutError, CircuitOpenError } from '../core/index.js';
import { isCallTimeoutError, isCircuitOpenError } from '../core/index.js';
import { refusedMessage, timedOutMessage } from '../messages.js';
import { loadRpcException, loadWsException } from '../utils/transport-exceptions.js';

/**
 * What a client is told when a breaker refused its request: the breaker, the wait, and nothing
 * of the downstream's own errors.
 */
export interface CircuitOpenResponse {
  /** `503` over HTTP; `"error"` over RPC and WebSockets, as Nest's transport filters expect. */
  readonly statusCode?: number;
  readonly status?: 'error';
  /** `Service Unavailable`. */
  readonly error: string;
  /** A sentence naming the breaker and the wait. */
  readonly message: string;
  /** The breaker that refused. */
  readonly breaker: string;
  /**
   * Seconds to wait before trying again, as in the `Retry-After` header; `null` while the
   * breaker is forced open by hand, when no wait can be promised.
   */
  readonly retryAfter: number | null;
}

/**
 * Turns a `CircuitOpenError` escaping a controller or gateway handler into what the transport's
 * clients understand: over HTTP a 503 with a `Retry-After` header (seconds), over RPC an
 * `RpcException`, over WebSockets a `WsException`, each with a {@link CircuitOpenResponse}.
 * A `CallTimeoutError` becomes a 504 Gateway Timeout (or the transport's exception) naming the
 * breaker. Every other error passes through untouched.
 *
 * `@CircuitBreaker()` applies it to the handlers it decorates. Bind it to a controller or
 * globally as well to translate refusals of breakers deeper in the call, such as a decorated
 * service method. The breaker itself guards each call once, wherever the interceptor is bound.
 *
 * @example
 * ```ts
 * app.useGlobalInterceptors(new CircuitBreakerInterceptor());
 * ```
 */
@Injectable()
export class CircuitBreakerInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (isCircuitOpenError(error)) return this.refuse(error, context);
        if (isCallTimeoutError(error)) return this.timedOut(error, context);
        return throwError(() => error);
      }),
    );
  }

  /** Builds the error the transport's exception filter turns into the refusal the client sees. */
  protected async refuse(error: CircuitOpenError, context: ExecutionContext): Promise<never> {
    const type = context.getType<'http' | 'rpc' | 'ws'>();
    const body = this.describe(error);

    switch (type) {
      case 'http':
        if (body.retryAfter !== null) this.setRetryAfter(context, body.retryAfter);
        throw new ServiceUnavailableException({
          statusCode: HttpStatus.SERVICE_UNAVAILABLE,
          ...body,
        });
      case 'rpc':
        throw new (await loadRpcException())({ status: 'error', ...body });
      case 'ws':
        throw new (await loadWsException())({ status: 'error', ...body });
      default:
        throw error;
    }
  }

  /**
   * Builds the error for a call that ran past its breaker's `callTimeout`: over HTTP a 504
   * Gateway Timeout naming the breaker, over RPC and WebSockets the same facts in the
   * transport's exception.
   */
  protected async timedOut(error: CallTimeoutError, context: ExecutionContext): Promise<never> {
    const body = {
      error: 'Gateway Timeout',
      message: timedOutMessage(error.breakerName, error.timeoutMs),
      breaker: error.breakerName,
    };

    switch (context.getType<'http' | 'rpc' | 'ws'>()) {
      case 'http':
        throw new GatewayTimeoutException({ statusCode: HttpStatus.GATEWAY_TIMEOUT, ...body });
      case 'rpc':
        throw new (await loadRpcException())({ status: 'error', ...body });
      case 'ws':
        throw new (await loadWsException())({ status: 'error', ...body });
      default:
        throw error;
    }
  }

  /** The facts a refused client is given. */
  protected describe(error: CircuitOpenError): Omit<CircuitOpenResponse, 'statusCode' | 'status'> {
    const wait = error.retryAfterMs;
    const retryAfter = Number.isFinite(wait) ? retryAfterSeconds(wait) : null;

    return {
      error: 'Service Unavailable',
      message: refusedMessage(error.breakerName, retryAfter),
      breaker: error.breakerName,
      retryAfter,
    };
  }

  /** Sets `Retry-After` on an Express or Fastify response. */
  protected setRetryAfter(context: ExecutionContext, seconds: number): void {
    const response = context.switchToHttp().getResponse<{
      setHeader?: (name: string, value: string) => void;
      header?: (name: string, value: string) => void;
      headersSent?: boolean;
    }>();
    if (response?.headersSent) return;

    if (typeof response?.setHeader === 'function')
      response.setHeader('Retry-After', String(seconds));
    else if (typeof response?.header === 'function')
      response.header('Retry-After', String(seconds));
  }
}

/** Whole seconds, at least one: a refused client should not retry at once. */
function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
