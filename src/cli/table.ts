/** One row of a table: a cell per header, already turned into text. */
export type Row = readonly string[];

const gap = '  ';
const empty = '-';

/**
 * Columns aligned on the widest cell, two spaces apart, headers first (as kubectl and gh
 * print). The last column is not padded, so lines carry no trailing blanks.
 */
export function renderTable(headers: readonly string[], rows: readonly Row[]): string {
  const cells = [headers, ...rows].map((row) => headers.map((_, index) => clean(row[index])));
  const widths = headers.map((_, index) =>
    Math.max(...cells.map((row) => (row[index] as string).length)),
  );

  return cells.map((row) => line(row, widths)).join('\n') + '\n';
}

function line(row: readonly string[], widths: readonly number[]): string {
  const last = row.length - 1;
  return row
    .map((cell, index) => (index === last ? cell : cell.padEnd(widths[index] ?? 0)))
    .join(gap);
}

/**
 * Free text (stack names, descriptions) could hold line breaks or terminal escapes; a table
 * cell shows them as spaces so one row stays one line and the terminal is left alone.
 */
function clean(cell: string | undefined): string {
  if (cell === undefined || cell === '') return empty;

  return cell.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}
