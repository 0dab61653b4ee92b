/**
 * Rows of the results table. A row has an `id` (targets refer to it), a `label`, and either a
 * `value` with its `unit` or `na`, the reason there is no figure.
 */

/**
 * Rows for timed cases, in the order of `labels`.
 *
 * @param {Map<string, { nsPerOp: number, rounds: number[] }>} times
 * @param {Record<string, string>} labels - row label by case id.
 */
export function timedRows(times, labels) {
  return Object.entries(labels).map(([id, label]) => {
    const { nsPerOp, rounds } = times.get(id);
    return { id, label, value: nsPerOp, unit: 'ns/op', rounds };
  });
}

/** A row for a case that cannot be measured, saying why. */
export const naRow = (id, label, reason) => ({ id, label, na: reason });
