// A1 notation as Sheets accepts it in getRange: a cell ('B3', '$B$3'), a block ('A1:C5'), whole
// columns ('A:C', 'A2:C' open to the bottom), whole rows ('2:5'), each optionally prefixed by a
// sheet name ('Sheet1!A1', "'My sheet'!A1:B2"). Also the reverse: coordinates to 'A1:C5'.

export interface GridRect {
  row: number;
  column: number;
  numRows: number;
  numColumns: number;
}

export interface ParsedA1 extends GridRect {
  sheetName?: string;
}

interface Corner {
  row?: number;
  column?: number;
}

const CORNER = /^\$?([A-Za-z]{1,3})?\$?(\d+)?$/;

/** Parses A1 notation against a sheet of the given size; returns null when it is not A1. */
export function parseA1(text: string, maxRows: number, maxColumns: number): ParsedA1 | null {
  const { sheetName, ref } = splitSheet(text.trim());
  const parts = ref.split(':');
  if (parts.length > 2 || parts.some(p => p === '')) return null;
  const start = parseCorner(parts[0]);
  const end = parts.length === 2 ? parseCorner(parts[1]) : start;
  if (!start || !end) return null;
  if (parts.length === 1 && (start.row === undefined || start.column === undefined)) return null;
  const r1 = start.row ?? 1;
  const c1 = start.column ?? 1;
  const r2 = end.row ?? (start.row === undefined || parts.length === 2 ? maxRows : r1);
  const c2 = end.column ?? (start.column === undefined || parts.length === 2 ? maxColumns : c1);
  const rect = {
    row: Math.min(r1, r2),
    column: Math.min(c1, c2),
    numRows: Math.abs(r2 - r1) + 1,
    numColumns: Math.abs(c2 - c1) + 1,
  };
  return sheetName === undefined ? rect : { ...rect, sheetName };
}

/** 'A1' for one cell, 'A1:C5' for a block. */
export function toA1(rect: GridRect): string {
  const first = `${columnLetters(rect.column)}${rect.row}`;
  if (rect.numRows === 1 && rect.numColumns === 1) return first;
  const lastRow = rect.row + rect.numRows - 1;
  const lastColumn = rect.column + rect.numColumns - 1;
  return `${first}:${columnLetters(lastColumn)}${lastRow}`;
}

export function columnLetters(column: number): string {
  let n = column;
  let out = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    out = String.fromCharCode(65 + rem) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

export function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

function splitSheet(text: string): { sheetName?: string; ref: string } {
  const bang = text.lastIndexOf('!');
  if (bang < 0) return { ref: text };
  let name = text.slice(0, bang);
  if (name.startsWith("'") && name.endsWith("'") && name.length >= 2) {
    name = name.slice(1, -1).replace(/''/g, "'");
  }
  return { sheetName: name, ref: text.slice(bang + 1) };
}

function parseCorner(text: string): Corner | null {
  const m = CORNER.exec(text);
  if (!m || (m[1] === undefined && m[2] === undefined)) return null;
  const corner: Corner = {};
  if (m[1] !== undefined) corner.column = columnNumber(m[1]);
  if (m[2] !== undefined) {
    corner.row = Number(m[2]);
    if (corner.row < 1) return null;
  }
  return corner;
}
