import 'reflect-metadata';
import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { Transport } from '@nestjs/microservices';
import type { Server } from 'node:net';
import { CircuitBreakerInterceptor } from 'nestjs-circuit-breaker';
import { AppModule } from './app.module.js';
import type { SampleConfig } from './config.js';
import { readSampleConfig } from './config.js';
import { isEntryPoint } from './entry-point.js';
import { ModelUpstream } from './upstream/model-upstream.js';

/** How to start the sample. */
export interface BootstrapOptions {
  /** Settings; default: read from the environment by {@link readSampleConfig}. */
  readonly config?: SampleConfig;
  /** Nest's logger; `false` silences the app, as the demo does to keep its timeline readable. */
  readonly logger?: LoggerService | LogLevel[] | false;
}

/** The running sample, as {@link bootstrap} returns it. */
export interface RunningSample {
  /** The Nest app; `app.close()` stops the HTTP server, the microservice and the upstream. */
  readonly app: INestApplication;
  /** Base URL of the HTTP app, such as `http://127.0.0.1:3000`. */
  readonly url: string;
  /** Port of the TCP microservice, on `config.host`. */
  readonly tcpPort: number;
  /** The fake model API the app calls. */
  readonly upstream: ModelUpstream;
  /** The settings in force. */
  readonly config: SampleConfig;
}

/**
 * Starts the fake model API, then the app calling it: HTTP on `config.port` and the TCP
 * microservice on `config.tcpPort`, both on `config.host` (port 0 lets the OS choose).
 *
 * @throws whatever stopped the start, such as invalid breaker options or a port in use; nothing
 * is left running.
 */
export async function bootstrap(options: BootstrapOptions = {}): Promise<RunningSample> {
  const config = options.config ?? readSampleConfig();
  const upstream = await ModelUpstream.start({ host: config.host, port: config.upstreamPort });

  let app: INestApplication | undefined;
  try {
    app = await NestFactory.create(AppModule.forRoot(config, upstream), {
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      // Throw start-up errors to the caller instead of aborting the process.
      abortOnError: false,
      // Keep-alive connections would otherwise hold app.close() open.
      forceCloseConnections: true,
    });
    app.enableShutdownHooks();

    // Bound globally, the interceptor turns refusals of the breaker on ModelApiService into 503
    // + Retry-After for every controller. It must be registered before the microservice is
    // connected: the microservice copies the app's global enhancers when it connects.
    app.useGlobalInterceptors(app.get(CircuitBreakerInterceptor));
    const microservice = app.connectMicroservice<MicroserviceOptions>(
      { transport: Transport.TCP, options: { host: config.host, port: config.tcpPort } },
      { inheritAppConfig: true },
    );

    await app.startAllMicroservices();
    await app.listen(config.port, config.host);

    const address = microservice.unwrap<Server>().address();
    const tcpPort = typeof address === 'object' && address !== null ? address.port : config.tcpPort;

    return { app, url: await app.getUrl(), tcpPort, upstream, config };
  } catch (error) {
    await app?.close().catch(() => undefined);
    await upstream.close();
    throw error;
  }
}

async function main(): Promise<void> {
  const { url, tcpPort, upstream, config } = await bootstrap();
  const logger = new Logger('Sample');
  const { failureThreshold, timeout, successThreshold } = config.modelApi;
  const { perModel, modelCatalog } = config;

  logger.log(`HTTP app on ${url}; TCP microservice on ${config.host}:${tcpPort}`);
  logger.log(`Fake model API on ${upstream.url}`);
  logger.log(
    `Breaker "model-api": opens after ${failureThreshold} failures, stays open ${timeout} ms, ` +
      `closes after ${successThreshold} trial successes`,
  );
  logger.log(
    `Breakers "model:<name>", one per model: open after ${perModel.failureThreshold} failures, ` +
      `stay open ${perModel.timeout} ms`,
  );
  logger.log(
    `Breaker "model-catalog" (falls back to the last known list): opens after ` +
      `${modelCatalog.failureThreshold} failures, stays open ${modelCatalog.timeout} ms`,
  );
  logger.log(`Try: curl '${url}/completions?prompt=hello'   (also /models, /health, /breakers)`);
  logger.log(
    `     curl -H 'content-type: application/json' -d '{"prompt":"hi"}' ${url}/models/gpt-x/completions`,
  );
  logger.log(
    `Make the model API fail: curl -X POST ${url}/upstream/fail   (and /upstream/recover); ` +
      `one model only: add -H 'content-type: application/json' -d '{"model":"gpt-x"}'`,
  );
}

if (isEntryPoint(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
