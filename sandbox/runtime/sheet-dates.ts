// How Sheets keeps dates, for the rules a script sees through getValues / getDisplayValues:
//
// - A date is a serial number (days since 1899-12-30 in the spreadsheet's time zone) shown
//   through a date format: a number in a date-formatted cell reads as a Date, and a Date in a
//   cell with an explicit number format ('0.00') reads as its serial number (Sheets help, "Date
//   and number formats"; Apps Script Range.getValues: a cell's value is a Date when it is
//   formatted as a date).
// - A Date written by a script into a cell without a format gets the locale's date-time format,
//   as the Sheets UI shows it (`M/d/yyyy H:mm:ss` in en_US, `dd.mm.yyyy H:mm:ss` in ru_RU).
// - What a person types is read in the spreadsheet's locale: `15.01.2026` is a date in ru_RU
//   (day first), `1/15/2026` in en_US; ISO `2026-01-15` everywhere (typed-input.ts).

import { zonedParts, zonedToEpoch } from './date-format';

const DAY_MS = 86_400_000;
/** 1899-12-30, Sheets' day zero, as a UTC day number. */
const EPOCH_OFFSET_DAYS = 25_569;

/** Locales whose dates are written day first with dots (15.01.2026). */
const DOTTED_LOCALES = /^(ru|uk|be|kk|de)(_|$)/;

export function dotsFirst(locale: string): boolean {
  return DOTTED_LOCALES.test(locale);
}

/** The date-time format Sheets gives a script-written Date in a cell without one. */
export function defaultDateTimeFormat(locale: string): string {
  return dotsFirst(locale) ? 'dd.mm.yyyy H:mm:ss' : 'M/d/yyyy H:mm:ss';
}

/** The format of a typed date (with or without a time) in this locale's own spelling. */
export function typedDateFormat(locale: string, iso: boolean, withTime: boolean): string {
  const date = iso ? 'yyyy-mm-dd' : dotsFirst(locale) ? 'dd.mm.yyyy' : 'M/d/yyyy';
  return withTime ? `${date} H:mm:ss` : date;
}

export function serialToDate(serial: number, timeZone: string): Date {
  const wallMs = (serial - EPOCH_OFFSET_DAYS) * DAY_MS;
  const wall = new Date(Math.round(wallMs));
  const ms = zonedToEpoch(
    {
      year: wall.getUTCFullYear(),
      month: wall.getUTCMonth() + 1,
      day: wall.getUTCDate(),
      hour: wall.getUTCHours(),
      minute: wall.getUTCMinutes(),
      second: wall.getUTCSeconds(),
    },
    timeZone
  );
  return new Date(ms + wall.getUTCMilliseconds());
}

export function dateToSerial(date: Date, timeZone: string): number {
  const p = zonedParts(date.getTime(), timeZone);
  const wallMs = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, p.millisecond);
  return wallMs / DAY_MS + EPOCH_OFFSET_DAYS;
}
