// What kind of value a raw sheet cell holds. SpreadsheetApp hands back strings, numbers,
// booleans and Dates ('' for an empty cell), and a column that does not exist arrives as
// undefined; the field parsers branch on this one classification so that they all treat
// blanks, typed-as-number phones and accidental dates the same way.

/** A raw cell value, classified. Text is returned untrimmed. */
export type Cell =
  | { kind: 'blank' }
  | { kind: 'text'; text: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'date' }
  | { kind: 'other' };

// Zero-width characters survive copy-paste from web pages and messengers and are invisible
// in the cell, so a cell holding only them must count as blank.
const INVISIBLE = /\u200b|\u200c|\u200d|\u2060|\ufeff/g;

/** Removes zero-width characters (never use this on names: emoji sequences need U+200D). */
export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, '');
}

/** Classifies a raw cell value; whitespace-only text counts as blank. */
export function classifyCell(raw: unknown): Cell {
  if (raw === undefined || raw === null) return { kind: 'blank' };
  if (typeof raw === 'string') {
    return stripInvisible(raw).trim() === '' ? { kind: 'blank' } : { kind: 'text', text: raw };
  }
  if (typeof raw === 'number') return { kind: 'number', value: raw };
  if (typeof raw === 'boolean') return { kind: 'boolean', value: raw };
  // instanceof fails across realms (a Date built in another global scope); the tag does not.
  if (Object.prototype.toString.call(raw) === '[object Date]') return { kind: 'date' };
  return { kind: 'other' };
}

/** True for an absent column, null, '' and whitespace-only text. */
export function isBlankCell(raw: unknown): boolean {
  return classifyCell(raw).kind === 'blank';
}

// What a cell shows when its formula failed; getValues returns the text of the error.
const SHEETS_ERROR = /^#(N\/A|DIV\/0!|VALUE!|REF!|NAME\?|NUM!|NULL!|ERROR!|SPILL!|CALC!)$/;

/** The Sheets error a cell shows (`#N/A`, `#DIV/0!`, …), or null. */
export function sheetsError(raw: unknown): string | null {
  return typeof raw === 'string' && SHEETS_ERROR.test(raw.trim()) ? raw.trim() : null;
}
