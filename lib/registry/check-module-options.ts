import { assertBreakerName, validateBreakerOptions } from '../core/index.js';
import { breakerLabel } from '../core/messages.js';
import type { CircuitBreakerModuleOptions } from '../interfaces/index.js';
import {
  DEFAULTS_OWNER,
  invalidModuleOptions,
  patternLabel,
  unknownModuleOption,
} from '../messages.js';
import { isNamePattern } from './name-pattern.js';

const MODULE_OPTION_KEYS = [
  'defaults',
  'breakers',
  'logger',
  'maxBreakers',
  'idleTimeout',
  'eventEmitter',
];

const WHOLE_NUMBER = 'a whole number of at least 1';

/**
 * Checks the module options' shape and every option set in them, naming what is wrong, so a
 * mistake fails the start rather than the first call.
 *
 * @throws TypeError or RangeError naming the option (and the breaker or pattern) and quoting
 * the value.
 */
export function checkModuleOptions(options: CircuitBreakerModuleOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(invalidModuleOptions('(options)', options, 'an object'));
  }
  for (const key of Object.keys(options)) {
    if (!MODULE_OPTION_KEYS.includes(key))
      throw new TypeError(unknownModuleOption(key, MODULE_OPTION_KEYS));
  }

  validateBreakerOptions(DEFAULTS_OWNER, options.defaults);

  const { breakers, logger } = options;
  if (
    breakers !== undefined &&
    (typeof breakers !== 'object' || breakers === null || Array.isArray(breakers))
  ) {
    throw new TypeError(
      invalidModuleOptions('breakers', breakers, 'an object of options by breaker name'),
    );
  }
  for (const [name, overrides] of Object.entries(breakers ?? {})) {
    assertBreakerName(name);
    validateBreakerOptions(
      isNamePattern(name) ? patternLabel(name) : breakerLabel(name),
      overrides,
    );
  }

  if (logger !== undefined && logger !== false && typeof logger?.log !== 'function') {
    throw new TypeError(invalidModuleOptions('logger', logger, 'a LoggerService or false'));
  }

  if (options.eventEmitter !== undefined && typeof options.eventEmitter !== 'boolean') {
    throw new TypeError(
      invalidModuleOptions('eventEmitter', options.eventEmitter, 'true or false'),
    );
  }

  checkWholeNumber('maxBreakers', options.maxBreakers);
  checkWholeNumber('idleTimeout', options.idleTimeout);
}

function checkWholeNumber(key: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(invalidModuleOptions(key, value, WHOLE_NUMBER));
  }
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(invalidModuleOptions(key, value, WHOLE_NUMBER));
  }
}
