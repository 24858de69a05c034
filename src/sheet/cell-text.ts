// How a string must be handed to setValues so that Sheets stores exactly that text.
//
// setValues parses strings as if a person typed them: '=…' becomes a formula, '+7912…' and
// '00123' become numbers, 'TRUE' a boolean, '1/2' a date. A leading apostrophe makes Sheets
// keep the rest as text (and getValues returns it without the apostrophe). Text that starts
// with a letter and is not a boolean word is never parsed, so it is written as it is.
import { CellValue } from '../ports';

const STARTS_WITH_LETTER = /^\p{L}/u;
const BOOLEAN_WORD = /^(true|false)$/i;

/** True when Sheets would not keep `text` verbatim if it were typed into a cell. */
export function needsApostrophe(text: string): boolean {
  if (text === '') return false;
  return !STARTS_WITH_LETTER.test(text) || BOOLEAN_WORD.test(text);
}

/** Sheets' number format for plain text: such cells store typed strings as they are. */
export const PLAIN_TEXT_FORMAT = '@';

/**
 * The value to pass to setValues so the cell ends up holding exactly `value`. In a cell
 * formatted as plain text nothing is parsed, and an apostrophe would become part of the text.
 */
export function toTypedInput(value: CellValue, numberFormat?: string): CellValue {
  if (typeof value !== 'string' || numberFormat === PLAIN_TEXT_FORMAT) return value;
  return needsApostrophe(value) ? `'${value}` : value;
}

/** A cell value as plain text (ids and phones may come back as numbers if a person typed them). */
export function cellText(value: CellValue | undefined | null): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value);
  return String(value).trim();
}
