import { CONTEXT_RATIOS, ratio } from '../targets.js';

const COLUMNS = ['case', 'figure', 'ratio', 'target', 'status'];

/**
 * The results as one terminal table: each row's figure, the ratio that matters for it, and
 * its target with "met" or "MISSED". A row without a figure says why in the status column.
 *
 * @param {object[]} rows - in display order.
 * @param {Map<string, object>} verdicts - from `judge()`.
 */
export function renderTable(rows, verdicts) {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const lines = rows.map((row) => {
    const verdict = verdicts.get(row.id);
    const status = row.na ?? (verdict === undefined ? '' : verdict.met ? 'met' : 'MISSED');

    return [
      row.label,
      row.na ? 'n/a' : formatFigure(row.value, row.unit),
      shownRatio(row, verdict, byId),
      verdict?.text ?? '',
      status,
    ];
  });

  const widths = COLUMNS.map((title, column) =>
    Math.max(title.length, ...lines.map((cells) => cells[column].length)),
  );
  const format = (cells) =>
    cells
      .map((cell, column) =>
        column === 1 ? cell.padStart(widths[column]) : cell.padEnd(widths[column]),
      )
      .join('  ')
      .trimEnd();

  return [
    format(COLUMNS),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...lines.map(format),
  ].join('\n');
}

/** The target's ratio, or else a ratio given for context, as `2.10× ours`. */
function shownRatio(row, verdict, byId) {
  if (verdict?.of !== undefined)
    return verdict.measured === undefined ? '' : `${verdict.measured.toFixed(2)}× ${verdict.of}`;

  const context = CONTEXT_RATIOS[row.id];
  const value = context === undefined ? undefined : ratio(byId, row.id, context.versus);
  return value === undefined ? '' : `${value.toFixed(2)}× ${context.of}`;
}

/** A figure with its unit, rounded to what the measurement can tell. */
export function formatFigure(value, unit) {
  const digits = value >= 100 ? 0 : 1;
  const shown = value.toLocaleString('en-US', {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
  return `${shown} ${unit}`;
}
