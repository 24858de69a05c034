// How a cell's value is displayed (getDisplayValues, TextFinder, CSV export) under its number
// format. Covered: automatic/General, plain text '@', fixed decimals ('0', '0.00', '#,##0.00'),
// percent ('0%', '0.00%') and date/time patterns ('yyyy-mm-dd', 'M/d/yyyy H:mm:ss'). Other
// formats fall back to the automatic display.

import { formatSimpleDate } from './date-format';
import { generalNumber } from './formula';
import type { CellValue } from './typed-input';

export const DEFAULT_NUMBER_FORMAT = '0.###############';
const DEFAULT_DATE_FORMAT = 'M/d/yyyy H:mm:ss';
const FIXED = /^(#,##)?0(?:\.(0+))?(%)?$/;

export function displayValue(
  value: CellValue,
  format: string | undefined,
  timeZone: string
): string {
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'string') return value;
  if (value instanceof Date) {
    const pattern =
      format && isDateFormat(format) ? sheetsToSimpleDate(format) : DEFAULT_DATE_FORMAT;
    return formatSimpleDate(value.getTime(), timeZone, pattern);
  }
  const fixed = format ? FIXED.exec(format) : null;
  if (fixed)
    return fixedNumber(value, fixed[2]?.length ?? 0, fixed[1] !== undefined, fixed[3] === '%');
  return generalNumber(value);
}

/** An explicit number pattern ('0', '0.00', '#,##0', '0%'), under which a date shows its serial. */
export function isNumberFormat(format: string): boolean {
  return FIXED.test(format);
}

function fixedNumber(value: number, decimals: number, grouped: boolean, percent: boolean): string {
  const n = percent ? value * 100 : value;
  let text = n.toFixed(decimals);
  if (grouped) {
    const [int, frac] = text.split('.');
    text = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (frac !== undefined ? `.${frac}` : '');
  }
  return percent ? `${text}%` : text;
}

/** A date or time pattern (has y, d or h outside quotes). */
export function isDateFormat(format: string): boolean {
  const bare = format.replace(/"[^"]*"|\\./g, '');
  return /[yd]/i.test(bare) || /h/i.test(bare);
}

/** Sheets date tokens → SimpleDateFormat: 'm' is minutes next to h or s, month otherwise. */
function sheetsToSimpleDate(format: string): string {
  const twelveHour = /am\/pm|a\/p/i.test(format);
  const runs = format.replace(/am\/pm|a\/p/gi, 'a').match(/([A-Za-z])\1*|"[^"]*"|./g) ?? [];
  const letters = runs.map(run => (/^[A-Za-z]/.test(run) ? run[0].toLowerCase() : ''));
  return runs
    .map((run, i) => {
      const kind = letters[i];
      if (run.startsWith('"')) return `'${run.slice(1, -1)}'`;
      if (kind === '') return run;
      if (kind === 'm') {
        const prev = letters.slice(0, i).filter(Boolean).pop();
        const next = letters.slice(i + 1).find(Boolean);
        const minutes = prev === 'h' || next === 's';
        return minutes ? 'm'.repeat(Math.min(run.length, 2)) : 'M'.repeat(run.length);
      }
      if (kind === 'h') return (twelveHour ? 'h' : 'H').repeat(run.length);
      if (kind === 'd' && run.length >= 3) return run.length === 3 ? 'EEE' : 'EEEE';
      if (kind === 'a') return 'a';
      return run;
    })
    .join('');
}
