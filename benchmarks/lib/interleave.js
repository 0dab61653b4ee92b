import { measure } from 'mitata';

/**
 * Measures several cases in alternating rounds, so that a slow patch of the machine (another
 * process, a frequency change) lands on every case instead of on whichever ran then.
 *
 * Each round measures every case once with mitata (which batches calls and awaits each one
 * when the case returns a promise); the order rotates from round to round. The first round
 * warms the JIT up and is dropped.
 *
 * @param {Array<{ id: string, fn: () => unknown }>} cases
 * @param {{ rounds?: number, minCpuTimeMs?: number }} [options]
 * @returns {Promise<Map<string, { nsPerOp: number, rounds: number[] }>>} per case, the median
 *   over rounds of each round's median nanoseconds per call.
 */
export async function interleave(cases, { rounds = 8, minCpuTimeMs = 200 } = {}) {
  const perCase = new Map(cases.map(({ id }) => [id, []]));

  for (let round = 0; round <= rounds; round++) {
    const shift = round % cases.length;
    const order = [...cases.slice(shift), ...cases.slice(0, shift)];

    for (const { id, fn } of order) {
      const stats = await measure(fn, { min_cpu_time: minCpuTimeMs * 1e6 });
      if (round > 0) perCase.get(id).push(stats.p50);
    }
  }

  return new Map(
    [...perCase].map(([id, samples]) => [id, { nsPerOp: median(samples), rounds: samples }]),
  );
}

/** The middle value, or the mean of the two middle values. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;

  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
