/**
 * The sample's settings, read from environment variables so the same build runs as a local
 * server (`npm run sample`) and inside the demo with ports chosen by the OS and short waits.
 */
export interface SampleConfig {
  /** Interface the HTTP app, the TCP microservice and the fake upstream listen on (`HOST`). */
  readonly host: string;
  /** HTTP port of the app (`PORT`); 0 lets the OS choose. */
  readonly port: number;
  /** Port of the TCP microservice (`TCP_PORT`); 0 lets the OS choose. */
  readonly tcpPort: number;
  /** Port of the fake model API (`UPSTREAM_PORT`); 0 lets the OS choose. */
  readonly upstreamPort: number;
  /** Milliseconds before a call to the model API is abandoned (`MODEL_API_REQUEST_TIMEOUT_MS`). */
  readonly requestTimeoutMs: number;
  /** Options of the `model-api` breaker. */
  readonly modelApi: {
    /** Failures in a row that open the breaker (`MODEL_API_FAILURE_THRESHOLD`). */
    readonly failureThreshold: number;
    /** Milliseconds the breaker stays open (`MODEL_API_OPEN_MS`). */
    readonly timeout: number;
    /** Trial successes in a row that close it again (`MODEL_API_SUCCESS_THRESHOLD`). */
    readonly successThreshold: number;
  };
  /** Options of every per-model breaker, `model:<name>`, given through the `model:*` pattern. */
  readonly perModel: {
    /** Failures in a row that open one model's breaker (`MODEL_FAILURE_THRESHOLD`). */
    readonly failureThreshold: number;
    /** Milliseconds it stays open (`MODEL_OPEN_MS`). */
    readonly timeout: number;
  };
  /** Options of the `model-catalog` breaker, the one with a fallback. */
  readonly modelCatalog: {
    /** Failures in a row that open it (`MODEL_CATALOG_FAILURE_THRESHOLD`). */
    readonly failureThreshold: number;
    /** Milliseconds it stays open (`MODEL_CATALOG_OPEN_MS`). */
    readonly timeout: number;
  };
}

/** Environment variables the sample reads, by name. */
export type SampleEnv = Readonly<Record<string, string | undefined>>;

/**
 * Builds the configuration from environment variables, with defaults for a local run.
 *
 * Counts that parse but are out of range (such as a threshold of 0) are passed on as they are:
 * the library rejects them at start-up with a message naming the option and the breaker.
 *
 * @throws TypeError naming the variable when a value is not a whole number.
 */
export function readSampleConfig(env: SampleEnv = process.env): SampleConfig {
  return {
    host: env.HOST?.trim() || '127.0.0.1',
    port: wholeNumber(env, 'PORT', 3000),
    tcpPort: wholeNumber(env, 'TCP_PORT', 3001),
    upstreamPort: wholeNumber(env, 'UPSTREAM_PORT', 0),
    requestTimeoutMs: wholeNumber(env, 'MODEL_API_REQUEST_TIMEOUT_MS', 5000),
    modelApi: {
      failureThreshold: wholeNumber(env, 'MODEL_API_FAILURE_THRESHOLD', 3),
      timeout: wholeNumber(env, 'MODEL_API_OPEN_MS', 30_000),
      successThreshold: wholeNumber(env, 'MODEL_API_SUCCESS_THRESHOLD', 2),
    },
    perModel: {
      failureThreshold: wholeNumber(env, 'MODEL_FAILURE_THRESHOLD', 2),
      timeout: wholeNumber(env, 'MODEL_OPEN_MS', 30_000),
    },
    modelCatalog: {
      failureThreshold: wholeNumber(env, 'MODEL_CATALOG_FAILURE_THRESHOLD', 2),
      timeout: wholeNumber(env, 'MODEL_CATALOG_OPEN_MS', 30_000),
    },
  };
}

function wholeNumber(env: SampleEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) {
    throw new TypeError(
      `Environment variable ${name} must be a whole number, got ${JSON.stringify(raw)}.`,
    );
  }

  return Number(raw);
}
