/**
 * The performance targets, each attached to the row whose figure it judges. `ratio` reads the
 * figures by row id; a target whose rows have no figure is "n/a".
 *
 * Ratios of times read "how many times slower than": 1.25× bare means 25 % slower than a bare
 * await. "≥ 3.5× ours" on a competitor's row means that competitor takes at least 3.5 times
 * our time, i.e. we are at least 3.5× faster.
 */
export const TARGETS = [
  { row: 'a.ours', versus: 'a.bare', of: 'bare', goal: '<=', limit: 1.25 },
  { row: 'a.cockatiel', versus: 'a.ours', of: 'ours', goal: '>=', limit: 1.5 },
  { row: 'a.opossum-no-timeout', versus: 'a.ours', of: 'ours', goal: '>=', limit: 3.5 },
  { row: 'b.opossum', versus: 'b.ours', of: 'ours', goal: '>=', limit: 3 },
  { row: 'b.cockatiel', versus: 'b.ours', of: 'ours', goal: '>=', limit: 3 },
  { row: 'c.decorated', versus: 'c.plain', of: 'plain', goal: '<=', limit: 1.3 },
  { row: 'd.window-100000', versus: 'd.window-10', of: 'window 10', goal: '<=', limit: 1.1 },
  { row: 'e.registry-consecutive', goal: '<=', limit: 600, unit: 'B' },
  { row: 'f.guarded', versus: 'f.plain', of: 'plain', goal: '>=', limit: 0.97 },
];

/**
 * Ratios shown for context, without a target: each row against the row it is best read with.
 */
export const CONTEXT_RATIOS = {
  'a.reaction': { versus: 'a.bare', of: 'bare' },
  'c.reaction': { versus: 'c.plain', of: 'plain' },
  'a.opossum-defaults': { versus: 'a.ours', of: 'ours' },
  'e.core-consecutive': { versus: 'e.registry-consecutive', of: 'registry' },
  'e.opossum': { versus: 'e.registry-consecutive', of: 'registry' },
  'e.cockatiel': { versus: 'e.registry-consecutive', of: 'registry' },
  'f.noop': { versus: 'f.plain', of: 'plain' },
};

/**
 * How far a missed target is from its limit, as a sentence; the measured value over (or under)
 * the limit, in percent.
 */
export function shortfall(verdict) {
  const off =
    verdict.goal === '<='
      ? verdict.measured / verdict.limit - 1
      : 1 - verdict.measured / verdict.limit;
  const side = verdict.goal === '<=' ? 'over' : 'under';
  return `${verdict.measured.toFixed(2)} against ${verdict.text}: ${(off * 100).toFixed(0)} % ${side}`;
}

/**
 * Judges every target against the rows.
 *
 * @param {Map<string, object>} rows - by id.
 * @returns {Map<string, object>} by row id: `{ text, measured, met }`, `met` null when n/a.
 */
export function judge(rows) {
  const verdicts = new Map();

  for (const target of TARGETS) {
    const sign = target.goal === '<=' ? '≤' : '≥';
    const text = `${sign} ${target.limit}${target.unit ? ` ${target.unit}` : `× ${target.of}`}`;
    const measured = target.versus
      ? ratio(rows, target.row, target.versus)
      : rows.get(target.row)?.value;
    const met =
      measured === undefined
        ? null
        : target.goal === '<='
          ? measured <= target.limit
          : measured >= target.limit;

    verdicts.set(target.row, {
      text,
      measured,
      met,
      of: target.of,
      limit: target.limit,
      goal: target.goal,
    });
  }

  return verdicts;
}

/** The ratio of two rows' figures, or undefined when either has none. */
export function ratio(rows, id, versus) {
  const a = rows.get(id)?.value;
  const b = rows.get(versus)?.value;

  return a === undefined || b === undefined ? undefined : a / b;
}
