/**
 * How per-key breakers are named: the base name, a colon, then the key with `%` and `:`
 * percent-encoded (`%25`, `%3A`). The key part never holds a colon, so the last colon of a
 * per-key name always splits it back into its base and key: two different (base, key) pairs
 * never share a name, whatever colons the base names or keys contain.
 */

/** Separates a per-key breaker's base name from its key. */
export const KEY_SEPARATOR = ':';

const NEEDS_ESCAPE = /[%:]/g;

/**
 * The name of the per-key breaker of `base` for `key`, such as `model-api:gpt-x`.
 *
 * @example
 * ```ts
 * perKeyName('hosts', 'db.local:5432'); // 'hosts:db.local%3A5432'
 * ```
 */
export function perKeyName(base: string, key: string): string {
  return `${base}${KEY_SEPARATOR}${escapeKey(key)}`;
}

/** The key as it appears in a per-key name. */
export function escapeKey(key: string): string {
  // Most keys (model names, tenant ids) hold neither character: skip the regex for them.
  if (!key.includes('%') && !key.includes(KEY_SEPARATOR)) return key;

  return key.replace(NEEDS_ESCAPE, (char) => (char === '%' ? '%25' : '%3A'));
}

/** The base name and key a per-key name was made from, or `undefined` when none could make it. */
export function parsePerKeyName(name: string): { base: string; key: string } | undefined {
  const at = name.lastIndexOf(KEY_SEPARATOR);
  if (at <= 0) return undefined;

  const escaped = name.slice(at + 1);
  const key = escaped.replace(/%25|%3A/g, (code) => (code === '%25' ? '%' : KEY_SEPARATOR));
  // A lone `%` or another code cannot come out of escapeKey: no key is named so.
  if (escapeKey(key) !== escaped) return undefined;

  return { base: name.slice(0, at), key };
}

/** The base name whose per-key names `name` would be among, if it were one. */
export function baseOfPerKeyName(name: string): string | undefined {
  return parsePerKeyName(name)?.base;
}
