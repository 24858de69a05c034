// Budgets: the lead's `price`, which AmoCRM stores as a 32-bit integer. A numeric cell passes
// through; text is read the way people type money in Russian and English sheets (spaces,
// NBSP or narrow NBSP between thousands, comma or dot decimals, a currency sign or word
// around the number). A text whose meaning depends on the reader's locale, such as `1,500`
// (1.5 in Russian, 1500 in English), is refused instead of guessed. Fractions are rounded
// half up to the nearest integer, since AmoCRM would otherwise refuse or cut them.
import type { Lang } from '../i18n/lang';
import { messages } from '../i18n/messages';
import { classifyCell } from './cell';
import { fail, ok, quote, type Parsed } from './parsed';

/** AmoCRM's API refuses a price above this (amocrm/amocrm-api-php#265: int32). */
export const MAX_BUDGET = 2147483647;

// A currency symbol (₽ $ € …) or word (руб., р., RUB, USD, тг, грн …) before or after the amount.
const CURRENCY =
  '(?:\\p{Sc}|руб(?:лей|ля|ль)?\\.?|р\\.?|rub|rur|usd|eur|gbp|kzt|тг|тенге|uah|грн\\.?|byn|cny)';
const LEADING_CURRENCY = new RegExp(`^${CURRENCY}\\s*`, 'iu');
const TRAILING_CURRENCY = new RegExp(`\\s*${CURRENCY}$`, 'iu');
// Digits with separators; must start and end with a digit.
const AMOUNT = /^\d(?:[\d\s.,'’]*\d)?$/;
// Spaces of any width and apostrophes (Swiss `1'500`) only ever separate thousands.
const GROUP_SPACE = /[\s'’]/g;

/**
 * Parses a budget cell to a non-negative integer no larger than {@link MAX_BUDGET}.
 *
 * Accepted text: `1500`, `1 500`, `1 500,50`, `1500.5`, `1 500 ₽`, `1500 руб.`, `$1,500.00`,
 * `1.500,00`, `1,5` (→ 2). Refused: negative amounts, text, booleans, dates, locale-ambiguous
 * `1,500` / `1.500`, anything above the limit. Blank → ok null.
 */
export function parseBudget(raw: unknown, lang: Lang = 'en'): Parsed<number | null> {
  const text = messages(lang).row;
  const cell = classifyCell(raw);
  switch (cell.kind) {
    case 'blank':
      return ok(null);
    case 'number':
      return checkAmount(cell.value, String(cell.value), lang);
    case 'text':
      return parseBudgetText(cell.text.trim(), lang);
    case 'boolean':
      return fail(text.budgetBoolean(String(cell.value).toUpperCase()));
    case 'date':
      return fail(text.budgetDate);
    default:
      return fail(text.budgetOther);
  }
}

function parseBudgetText(text: string, lang: Lang): Parsed<number> {
  const says = messages(lang).row;
  const unsigned = text.replace(/^[-−–]\s*/, '');
  const stripped = unsigned.replace(LEADING_CURRENCY, '').replace(TRAILING_CURRENCY, '');
  // The sign may also stand after a leading currency sign: `$-5`, `-$5`.
  const amount = stripped.replace(/^[-−–]\s*/, '');
  if (!AMOUNT.test(amount)) return fail(says.budgetNotNumber(quote(text)));
  const negative = unsigned !== text || amount !== stripped;
  const value = readAmount(amount, text, lang);
  if (!value.ok) return value;
  if (negative && value.value !== 0) return fail(says.budgetNegative(quote(text)));
  return checkAmount(value.value, text, lang);
}

/** Reads `digits + separators` into a number, deciding which separator is the decimal one. */
function readAmount(amount: string, shown: string, lang: Lang): Parsed<number> {
  const says = messages(lang).row;
  const decimal = decimalSeparator(amount);
  if (decimal === 'ambiguous') {
    return fail(says.budgetAmbiguous(quote(shown)));
  }
  const cut = decimal === null ? amount.length : amount.lastIndexOf(decimal);
  const whole = groupedDigits(amount.slice(0, cut), groupMark(amount, decimal));
  const fraction = decimal === null ? '' : amount.slice(cut + 1);
  if (whole === null || !/^\d*$/.test(fraction)) {
    return fail(says.budgetNotNumber(quote(shown)));
  }
  return ok(Number(fraction === '' ? whole : `${whole}.${fraction}`));
}

/**
 * Which of `.` and `,` separates the fraction: the later one when both appear; a lone one
 * followed by other than three digits; none when one repeats (`1.500.000`). A lone one
 * followed by exactly three digits could be either, unless the whole part is 0 (`0,500`).
 */
function decimalSeparator(amount: string): '.' | ',' | null | 'ambiguous' {
  const dot = amount.lastIndexOf('.');
  const comma = amount.lastIndexOf(',');
  if (dot >= 0 && comma >= 0) return dot > comma ? '.' : ',';
  if (dot < 0 && comma < 0) return null;
  const separator = dot >= 0 ? '.' : ',';
  if (amount.indexOf(separator) !== amount.lastIndexOf(separator)) return null;
  const after = amount.length - amount.lastIndexOf(separator) - 1;
  if (after !== 3) return separator;
  return /^0$/.test(amount.slice(0, amount.indexOf(separator))) ? separator : 'ambiguous';
}

/** The thousands mark: the separator that is not the decimal one. */
function groupMark(amount: string, decimal: '.' | ',' | null): '.' | ',' {
  if (decimal !== null) return decimal === '.' ? ',' : '.';
  return amount.includes(',') ? ',' : '.';
}

/**
 * The digits of a whole part whose thousands are separated by spaces, apostrophes or
 * `groupMark`, or null when the groups are not 1–3 digits followed by groups of exactly 3
 * (so `12 34` or `1.5.00` is refused rather than read as 1234 or 1500).
 */
function groupedDigits(whole: string, groupMark: string): string | null {
  const groups = whole.replace(GROUP_SPACE, groupMark).split(groupMark);
  if (groups.length === 1) return /^\d+$/.test(whole) ? whole : null;
  const wellFormed =
    /^\d{1,3}$/.test(groups[0]) && groups.slice(1).every(group => /^\d{3}$/.test(group));
  return wellFormed ? groups.join('') : null;
}

function checkAmount(value: number, shown: string, lang: Lang): Parsed<number> {
  const says = messages(lang).row;
  if (Number.isNaN(value)) return fail(says.budgetNotNumber(quote(shown)));
  if (value < 0) return fail(says.budgetNegative(quote(shown)));
  // `+ 0` turns -0 (from a `-0` cell) into 0, which is what every caller compares against.
  const rounded = Math.round(value) + 0;
  if (rounded > MAX_BUDGET) {
    return fail(says.budgetTooBig(quote(shown), MAX_BUDGET));
  }
  return ok(rounded);
}
