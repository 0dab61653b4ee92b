/**
 * Every message the breaker core shows to users, as small functions of their inputs, so the
 * wording stays consistent and each message says what happened and how to fix it.
 */

/** Quotes a value for a message: strings in quotes, everything else as JavaScript shows it. */
export function quote(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (typeof value === 'object' && value !== null) {
    try {
      return JSON.stringify(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
  return String(value);
}

/** The message of a `CircuitOpenError`. */
export const circuitOpenMessage = (
  name: string,
  reason: 'open' | 'trials-busy' | 'forced-open' = 'open',
) =>
  `${breakerLabel(name)} ${REFUSAL_REASONS[reason]}: the call was not made. Retry once it lets calls through again (see retryAfterMs).`;

const REFUSAL_REASONS = {
  open: 'is open',
  'trials-busy': 'is half-open and every trial call slot is taken',
  'forced-open': 'is held open by hand',
} as const;

/**
 * Names whose options a message is about, such as `Circuit breaker "model-api"`; option
 * messages start with it so the reader knows where to look.
 */
export const breakerLabel = (name: string) => `Circuit breaker ${JSON.stringify(name)}`;

/** A numeric option that is not a number at all. */
export const notANumber = (owner: string, option: string, value: unknown, expected: string) =>
  `${owner}: option "${option}" must be ${expected}, got ${quote(value)} (${typeof value}).`;

/** A numeric option outside its range or with a fraction. */
export const outOfRange = (owner: string, option: string, value: number, expected: string) =>
  `${owner}: option "${option}" must be ${expected}, got ${quote(value)}.`;

/** A function option that is not a function. */
export const notAFunction = (owner: string, option: string, value: unknown, hint: string) =>
  `${owner}: option "${option}" must be ${hint}, got ${quote(value)} (${typeof value}).`;

/** An option name the breaker does not know, usually a typo. */
export const unknownOption = (owner: string, option: string, known: readonly string[]) =>
  `${owner}: unknown option "${option}". Known options: ${known.join(', ')}.`;

/** Options that are not an object. */
export const optionsNotAnObject = (owner: string, value: unknown) =>
  `${owner}: options must be an object, got ${quote(value)} (${typeof value}).`;

/** A breaker name that is empty or not a string. */
export const invalidName = (value: unknown) =>
  `A circuit breaker name must be a non-empty string, got ${quote(value)} (${typeof value}). Give every breaker a name such as "model-api".`;

/** The message of a `CallTimeoutError`. */
export const callTimeoutMessage = (name: string, timeoutMs: number) =>
  `${breakerLabel(name)}: the call ran longer than its ${timeoutMs} ms call timeout and was abandoned.`;
