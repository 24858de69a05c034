// What Sheets makes of a string written with setValue(s)/appendRow or typed by a person: the
// same parsing as typing into a cell. '=…' is a formula; plain numbers (sign, decimal point,
// exponent) become numbers; TRUE/FALSE become booleans; ISO (yyyy-mm-dd [hh:mm[:ss]]) and the
// locale's dates become dates; other text starting with '+' or '-' becomes a formula (which
// is usually an error); a leading apostrophe forces text. Dates follow the spreadsheet's locale
// (d.M.yyyy in ru_RU, M/d/yyyy in en_US; ISO everywhere). In a cell formatted as plain text
// ('@') nothing is parsed and an apostrophe stays part of the text.

import { zonedToEpoch } from './date-format';
import { dotsFirst, typedDateFormat } from './sheet-dates';

export type CellValue = string | number | boolean | Date;

export interface ParsedInput {
  value: CellValue;
  formula?: string;
  /** A number format Sheets applies along with the value (dates). */
  format?: string;
}

export const TEXT_FORMAT = '@';
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const DOTTED_DATE = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

export function parseTypedInput(
  text: string,
  cellFormat: string | undefined,
  timeZone: string,
  locale = 'en_US'
): ParsedInput {
  if (cellFormat === TEXT_FORMAT) return { value: text };
  if (text.startsWith("'")) return { value: text.slice(1) };
  if (text.startsWith('=') && text.length > 1) return { value: '', formula: text };
  const trimmed = text.trim();
  if (trimmed === '') return { value: text === '' ? '' : text };
  if (PLAIN_NUMBER.test(trimmed)) return { value: Number(trimmed) };
  if (/^(true|false)$/i.test(trimmed)) return { value: trimmed.toLowerCase() === 'true' };
  const date = parseDate(trimmed, timeZone, locale);
  if (date) return date;
  // Sheets reads a leading + or - as the start of a formula ("+7 912…" → =+7 912… → #ERROR!).
  if (/^[+-]/.test(trimmed) && trimmed.length > 1) return { value: '', formula: `=${trimmed}` };
  return { value: text };
}

/** ISO dates in every locale; then the locale's own: d.M.yyyy (ru_RU…) or M/d/yyyy (en_US…). */
function parseDate(text: string, timeZone: string, locale: string): ParsedInput | null {
  const iso = ISO_DATE.exec(text);
  const dotted = dotsFirst(locale);
  const local = iso ? null : (dotted ? DOTTED_DATE : US_DATE).exec(text);
  const m = iso ?? local;
  if (!m) return null;
  const [year, month, day] = iso
    ? [Number(m[1]), Number(m[2]), Number(m[3])]
    : dotted
      ? [Number(m[3]), Number(m[2]), Number(m[1])]
      : [Number(m[3]), Number(m[1]), Number(m[2])];
  const hour = Number(m[4] ?? 0);
  const minute = Number(m[5] ?? 0);
  const second = Number(m[6] ?? 0);
  if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
  const ms = zonedToEpoch({ year, month, day, hour, minute, second }, timeZone);
  const format = typedDateFormat(locale, iso !== null, m[4] !== undefined);
  return { value: new Date(ms), format };
}

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}
