// The sheet as a person sees it (displayed values), as an aligned text table that fits the
// terminal. Each row takes a line for what a person writes and, below it (↳), a line for what
// the script writes (amo_deal_id · amo_contact_id · status · sync_status), in full and wrapped:
// sync_status says what happened to the row, so it is never cut. amo_link and external_id, the
// script's bookkeeping, are left out and named. The person's columns shrink to fit, widest
// first, with '…', never below their header. Cells that changed since the previous table get '*'.
import { cut, pad, TERMINAL_WIDTH, width, wrap } from './text';

/** The script's columns on the ↳ line, in this order. */
const SCRIPT_COLUMNS = ['amo_deal_id', 'amo_contact_id', 'status', 'sync_status'];
const LEFT_OUT = ['amo_link', 'external_id'];
/** A column is not cut below this many columns (or its header, if wider). */
const MIN_COLUMN = 8;
const SEPARATOR = ' │ ';
const JOINER = ' · ';

export interface SheetTable {
  lines: string[];
  /** How many cells changed since `previous`. */
  changed: number;
  /** Headers of columns the table does not show. */
  leftOut: string[];
}

interface Cell {
  text: string;
  changed: boolean;
}

/**
 * Lines of the table for `grid` (row 1 = headers), at most `max` columns wide. With
 * `previous` (an earlier grid of the same sheet), changed cells get a '*'.
 */
export function renderSheet(
  grid: string[][],
  previous?: string[][],
  max = TERMINAL_WIDTH
): SheetTable {
  if (grid.length === 0) return { lines: ['(empty sheet)'], changed: 0, leftOut: [] };
  const header = grid[0].map(h => String(h));
  const cellAt = (r: number, c: number): Cell => {
    const text = String(grid[r]?.[c] ?? '');
    const changed = previous !== undefined && String(previous[r]?.[c] ?? '') !== text;
    return { text, changed };
  };
  const rows = grid.slice(1).map((_, i) => i + 1);
  const changed = rows.reduce(
    (n, r) => n + header.filter((_, c) => cellAt(r, c).changed).length,
    0
  );
  const script = SCRIPT_COLUMNS.map(h => header.indexOf(h)).filter(c => c >= 0);
  let person = header
    .map((_, c) => c)
    .filter(c => !script.includes(c) && !LEFT_OUT.includes(header[c]));
  const label = (text: string): Cell => ({ text, changed: false });
  const table = [
    [label('#'), ...person.map(c => label(header[c]))],
    ...rows.map(r => [label(String(r + 1)), ...person.map(c => cellAt(r, c))]),
  ];
  const widths = fitWidths(table, max);
  // Columns that do not fit even at their narrowest are left out, the last first.
  person = person.slice(0, widths.length - 1);
  const line = (cells: Cell[]) =>
    cells
      .slice(0, widths.length)
      .map((cell, k) => pad(show(cell, widths[k]), widths[k]))
      .join(SEPARATOR)
      .trimEnd();
  const below = (cells: Cell[]) => scriptLines(cells, widths[0], max);
  const lines = [
    line(table[0]),
    ...below(script.map(c => label(header[c]))),
    widths.map(w => '─'.repeat(w)).join('─┼─'),
  ];
  rows.forEach((r, i) => {
    lines.push(line(table[i + 1]));
    const cells = script.map(c => cellAt(r, c));
    if (cells.some(cell => cell.text !== '' || cell.changed)) lines.push(...below(cells));
  });
  const leftOut = header.filter((_, c) => !script.includes(c) && !person.includes(c));
  return { lines, changed, leftOut };
}

function show(cell: Cell, columnWidth: number): string {
  if (!cell.changed) return cut(cell.text, columnWidth);
  return cut(cell.text, columnWidth - 1) + '*';
}

/** The script's cells in full under the row number: `  ↳ 31000001 · … · synced …`, wrapped. */
function scriptLines(cells: Cell[], labelWidth: number, max: number): string[] {
  if (cells.length === 0) return [];
  const first = `${' '.repeat(labelWidth)} ↳ `;
  const next = ' '.repeat(width(first));
  const text = cells
    .map(cell => (cell.text.trim() === '' ? '—' : cell.text.trim()) + (cell.changed ? '*' : ''))
    .join(JOINER);
  return wrap(text, max - width(first)).map((l, i) => (i === 0 ? first : next) + l);
}

/**
 * Each column's width: its widest cell, then the widest columns narrowed one at a time until
 * the line fits in `max`. Fewer widths than columns when even the narrowest do not fit.
 */
function fitWidths(table: Cell[][], max: number): number[] {
  const natural = table[0].map((_, k) =>
    Math.max(...table.map(row => width(row[k].text) + (row[k].changed ? 1 : 0)))
  );
  const least = natural.map((w, k) =>
    k === 0 ? w : Math.max(width(table[0][k].text), Math.min(w, MIN_COLUMN))
  );
  const total = (ws: number[]) =>
    ws.reduce((a, b) => a + b, 0) + SEPARATOR.length * (ws.length - 1);
  let count = natural.length;
  while (count > 1 && total(least.slice(0, count)) > max) count--;
  const widths = natural.slice(0, count);
  while (total(widths) > max) {
    let widest = -1;
    widths.forEach((w, k) => {
      if (w > least[k] && (widest < 0 || w >= widths[widest])) widest = k;
    });
    if (widest < 0) break;
    widths[widest]--;
  }
  return widths;
}
