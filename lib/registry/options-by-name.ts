import type { BreakerOptions } from '../core/index.js';
import type { NamePattern } from './name-pattern.js';
import { bySpecificity, compileNamePattern, isNamePattern } from './name-pattern.js';

interface PatternEntry {
  readonly pattern: NamePattern;
  readonly options: BreakerOptions;
}

const NONE: readonly BreakerOptions[] = Object.freeze([]);

/**
 * The module's `breakers` option, split into exact names and `*` patterns, answering which
 * option sets apply to a breaker name. Lookups go through a Map and a list built from the
 * object's own keys, so names such as `__proto__` or `toString` never reach a prototype.
 */
export class OptionsByName {
  private readonly exact = new Map<string, BreakerOptions>();
  /** Least specific first: applied in this order, the most specific pattern wins. */
  private readonly patterns: readonly PatternEntry[];

  /** @param breakers - The `breakers` module option, already validated. */
  constructor(breakers: Readonly<Record<string, BreakerOptions | undefined>> | undefined) {
    const patterns: PatternEntry[] = [];

    for (const [name, options] of Object.entries(breakers ?? {})) {
      if (options === undefined) continue;
      if (isNamePattern(name))
        patterns.push({ pattern: compileNamePattern(name, patterns.length), options });
      else this.exact.set(name, options);
    }

    this.patterns = patterns.sort((a, b) => bySpecificity(a.pattern, b.pattern));
  }

  /**
   * The option sets `breakers` gives a breaker, in the order they apply: every matching
   * pattern, least specific first, then the exact name.
   */
  layersFor(name: string): readonly BreakerOptions[] {
    const layers = this.matching(name);
    const own = this.exact.get(name);
    if (own === undefined) return layers;

    return layers === NONE ? [own] : [...layers, own];
  }

  /**
   * The option sets that name a per-key breaker beyond its base's: patterns that match its name
   * but not the base name, least specific first, then its exact name. A pattern matching both
   * already shaped the base, and applying it again would undo the base's own overrides.
   */
  perKeyLayers(base: string, name: string): readonly BreakerOptions[] {
    let layers: BreakerOptions[] | undefined;

    for (const { pattern, options } of this.patterns) {
      if (pattern.matches(name) && !pattern.matches(base)) (layers ??= []).push(options);
    }

    const own = this.exact.get(name);
    if (own !== undefined) (layers ??= []).push(own);
    return layers ?? NONE;
  }

  private matching(name: string): readonly BreakerOptions[] {
    let layers: BreakerOptions[] | undefined;

    for (const { pattern, options } of this.patterns) {
      if (pattern.matches(name)) (layers ??= []).push(options);
    }
    return layers ?? NONE;
  }
}
