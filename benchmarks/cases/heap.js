import { runWorker } from '../lib/child.js';
import { naRow } from '../lib/rows.js';
import { HEAP_SUBJECTS } from './heap-subjects.js';

/** How many breakers each subject creates. */
const COUNT = 100_000;

const worker = new URL('../workers/heap.js', import.meta.url);

/**
 * (e) Heap per breaker, each subject in its own process so no case's garbage counts in
 * another's figure.
 *
 * @returns {Promise<object[]>} rows for the results table.
 */
export async function runHeapCases() {
  const rows = [];

  for (const [id, subject] of Object.entries(HEAP_SUBJECTS)) {
    if (subject.na !== undefined) {
      rows.push(naRow(id, subject.label, subject.na));
      continue;
    }
    const { bytesPerBreaker } = await runWorker(worker, [id, String(COUNT)]);
    rows.push({ id, label: subject.label, value: bytesPerBreaker, unit: 'B/breaker' });
  }

  return rows;
}
