/** Where and how patiently the app calls the model API. */
export interface ModelApiOptions {
  /** Base URL of the model API, such as `http://127.0.0.1:41234`. */
  readonly baseUrl: string;
  /** Milliseconds before a call is abandoned and counted as a failure. */
  readonly requestTimeoutMs: number;
}

/** Injection token of the {@link ModelApiOptions}. */
export const MODEL_API_OPTIONS = Symbol('MODEL_API_OPTIONS');
