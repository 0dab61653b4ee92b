/** The wildcard of breaker name patterns: any run of characters, none included. */
export const WILDCARD = '*';

/**
 * A `breakers` entry whose name holds a `*`, such as `payments-*` or `*-api:gpt-*`, compiled
 * once at start-up.
 */
export interface NamePattern {
  /** The pattern as written. */
  readonly source: string;
  /** Characters other than `*`: the more, the more specific. */
  readonly literals: number;
  /** Runs of `*`: among patterns with as many literals, the fewer, the more specific. */
  readonly wildcards: number;
  /** Where it was written among the patterns; later wins a tie. */
  readonly order: number;
  /** Whether the whole of `name` matches. */
  matches(name: string): boolean;
}

/** Whether a `breakers` key is a pattern rather than an exact name. */
export function isNamePattern(key: string): boolean {
  return key.includes(WILDCARD);
}

/** Compiles a pattern; `order` is its place among the `breakers` patterns. */
export function compileNamePattern(source: string, order: number): NamePattern {
  // Consecutive wildcards match what one does; splitting on runs keeps the parts literal.
  const parts = source.split(/\*+/);
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  const middle = parts.slice(1, -1).filter((part) => part !== '');
  const literals = parts.reduce((sum, part) => sum + part.length, 0);

  return {
    source,
    literals,
    wildcards: parts.length - 1,
    order,
    matches(name) {
      if (name.length < literals || !name.startsWith(first) || !name.endsWith(last)) return false;

      // Leftmost placement of each middle part leaves the most room for the rest, so a greedy
      // scan decides a `*`-only glob without backtracking.
      let from = first.length;
      const end = name.length - last.length;
      for (const part of middle) {
        const at = name.indexOf(part, from);
        if (at < 0 || at + part.length > end) return false;
        from = at + part.length;
      }
      return true;
    },
  };
}

/**
 * Orders patterns from least to most specific, so applying them in turn lets the most
 * specific one that sets an option win: more literal characters first decides, then fewer
 * wildcards, then the later-written.
 */
export function bySpecificity(a: NamePattern, b: NamePattern): number {
  return a.literals - b.literals || b.wildcards - a.wildcards || a.order - b.order;
}
