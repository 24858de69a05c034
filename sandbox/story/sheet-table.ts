// The sheet as a person sees it (displayed values), as an aligned text table: every column,
// the script-owned ones too, long cells cut with '…', and the cells that changed since the
// previous table marked with '*'.

/** Widest a column may get; the link keeps its end (the lead id), the rest their start. */
const MAX_WIDTH: Record<string, number> = {
  amo_link: 20,
  sync_status: 30,
  external_id: 18,
  Комментарий: 16,
  budget: 12,
  email: 27,
};
const DEFAULT_MAX = 22;
const KEEP_END = new Set(['amo_link']);

function width(text: string): number {
  return [...text].length;
}

export function cut(text: string, max: number, keepEnd = false): string {
  const chars = [...text.replace(/\s+/g, ' ')];
  if (chars.length <= max) return chars.join('');
  return keepEnd
    ? '…' + chars.slice(chars.length - (max - 1)).join('')
    : chars.slice(0, max - 1).join('') + '…';
}

function pad(text: string, to: number): string {
  return text + ' '.repeat(Math.max(0, to - width(text)));
}

/**
 * Lines of the table for `grid` (row 1 = headers). With `previous` (an earlier grid of the
 * same sheet), changed cells get a '*'.
 */
export function renderSheet(
  grid: string[][],
  previous?: string[][]
): { lines: string[]; changed: number } {
  if (grid.length === 0) return { lines: ['(empty sheet)'], changed: 0 };
  let changedCells = 0;
  const [header, ...rows] = grid;
  const columns = header.length;
  const cells: string[][] = [
    ['#', ...header.map(h => String(h))],
    ...rows.map((row, i) => [
      String(i + 2),
      ...header.map((h, c) => {
        const value = String(row[c] ?? '');
        const max = MAX_WIDTH[String(h)] ?? DEFAULT_MAX;
        const before = previous?.[i + 1]?.[c];
        const changed = previous !== undefined && String(before ?? '') !== value;
        if (changed) changedCells++;
        return cut(value, max, KEEP_END.has(String(h))) + (changed ? '*' : '');
      }),
    ]),
  ];
  const widths = Array.from({ length: columns + 1 }, (_, c) =>
    Math.max(...cells.map(line => width(line[c] ?? '')))
  );
  const line = (parts: string[]) =>
    parts
      .map((p, c) => pad(p, widths[c]))
      .join(' │ ')
      .trimEnd();
  const rule = widths.map(w => '─'.repeat(w)).join('─┼─');
  return {
    lines: [line(cells[0]), rule, ...cells.slice(1).map(line)],
    changed: changedCells,
  };
}
