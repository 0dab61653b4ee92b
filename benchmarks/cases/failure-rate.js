import { interleave } from '../lib/interleave.js';
import { naRow, timedRows } from '../lib/rows.js';
import { failureRateBreaker, NO_FAILURE_RATE_RULE, WINDOW_SIZES } from './rules.js';
import { work } from './subjects.js';

const rowId = (window) => `d.window-${window}`;
const rowLabel = (window) => `d. failure-rate rule, window ${window.toLocaleString('en-US')}`;

/**
 * (d) A closed call through a breaker on the failure-rate rule, per window size: the cost of a
 * call should not grow with the window.
 *
 * @returns {Promise<object[]>} rows for the results table.
 */
export async function runFailureRateCases() {
  if (failureRateBreaker === null) {
    return WINDOW_SIZES.map((window) =>
      naRow(rowId(window), rowLabel(window), NO_FAILURE_RATE_RULE),
    );
  }

  const cases = [];
  for (const window of WINDOW_SIZES) {
    const breaker = failureRateBreaker(window);
    // Time the steady state, where every call also pushes an old outcome out of the window.
    for (let i = 0; i < window; i++) await breaker.execute(work);
    cases.push({ id: rowId(window), fn: () => breaker.execute(work) });
  }

  const times = await interleave(cases);
  return timedRows(
    times,
    Object.fromEntries(WINDOW_SIZES.map((window) => [rowId(window), rowLabel(window)])),
  );
}
