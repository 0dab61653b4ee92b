/**
 * The exception classes of Nest's optional transport packages, loaded on first need so the
 * library runs in applications that install neither.
 */
type ExceptionClass = new (error: string | object) => Error;

const loaded = new Map<string, Promise<ExceptionClass>>();

function load(specifier: string, exportName: string): Promise<ExceptionClass> {
  let exception = loaded.get(specifier);
  if (exception === undefined) {
    exception = import(specifier).then(
      (module: Record<string, ExceptionClass>) => module[exportName]!,
    );
    loaded.set(specifier, exception);
  }

  return exception;
}

/** `RpcException` from `@nestjs/microservices`; only asked for in RPC contexts, where it is installed. */
export const loadRpcException = () => load('@nestjs/microservices', 'RpcException');

/** `WsException` from `@nestjs/websockets`; only asked for in WebSocket contexts, where it is installed. */
export const loadWsException = () => load('@nestjs/websockets', 'WsException');
