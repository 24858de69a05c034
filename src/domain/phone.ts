// Phone numbers: the sheet's free-form text (or a number, when Sheets swallowed a typed phone)
// becomes E.164, the one form the script writes to AmoCRM and compares by. libphonenumber-js
// is imported from its `/min` build: it validates numbers against each country's general
// pattern and lengths (enough to accept every Russian mobile and fixed number and refuse
// impossible ones) and adds ~180 KB to the bundle against ~255 KB for `/max`, whose extra
// per-type patterns only tell a mobile from a landline, which the sync never needs.
import {
  isSupportedCountry,
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
  type CountryCode,
} from 'libphonenumber-js/min';
import type { Lang } from '../i18n/lang';
import { messages } from '../i18n/messages';
import { classifyCell, stripInvisible } from './cell';
import { fail, ok, quote, type Parsed } from './parsed';

// "доб. 123", "ext 5", "x5", "#5", "вн. 12" at the end of the text. An extension cannot be
// written in E.164 and AmoCRM's PHONE field would keep only what we send, so we refuse it
// instead of silently dropping digits the person typed.
const EXTENSION = /(?:доб(?:авочный)?|вн(?:утр(?:енний)?)?|ext(?:ension)?|x|#)\.?\s*:?\s*\d+\s*$/i;
// What a typed phone may contain besides digits: spaces, brackets, dots, slashes, dashes.
const PHONE_TEXT = /^\+?[\d\s()./\-\u2010-\u2015]+$/;
const DIGITS_ONLY = /^\d+$/;

/**
 * Normalizes a phone cell to E.164 (`+79123456789`).
 *
 * - blank → ok null
 * - text without `+` is read in `region` (e.g. `RU`, so `8 (912) 345-67-89` and
 *   `9123456789` → `+79123456789`); a leading `00` counts as `+`
 * - text with `+` is read on its own (`+44 20 7946 0958` → `+442079460958`)
 * - a numeric cell (Sheets turned `+79123456789` or `89123456789` into a number, eating the
 *   `+`) is read in `region` first, then as if it had a `+`
 * - an extension (`доб. 123`, `ext 5`, `x5`) is refused: see EXTENSION
 * - letters, too few or too many digits, an invalid number → error
 *
 * An unknown `region` is treated as none: only numbers with `+` are then accepted.
 */
export function normalizePhone(
  raw: unknown,
  region: string,
  lang: Lang = 'en'
): Parsed<string | null> {
  const text = messages(lang).row;
  const cell = classifyCell(raw);
  switch (cell.kind) {
    case 'blank':
      return ok(null);
    case 'text':
      return normalizePhoneText(stripInvisible(cell.text).trim(), toCountry(region), lang);
    case 'number':
      return normalizePhoneNumberCell(cell.value, toCountry(region), lang);
    case 'boolean':
      return fail(text.phoneBoolean(String(cell.value).toUpperCase()));
    case 'date':
      return fail(text.phoneDate);
    default:
      return fail(text.phoneOther);
  }
}

function toCountry(region: string): CountryCode | undefined {
  const code = region.trim().toUpperCase();
  return isSupportedCountry(code) ? code : undefined;
}

function normalizePhoneText(
  text: string,
  country: CountryCode | undefined,
  lang: Lang
): Parsed<string> {
  const says = messages(lang).row;
  if (EXTENSION.test(text) && /\d/.test(text.replace(EXTENSION, ''))) {
    return fail(says.phoneExtension(quote(text)));
  }
  if (!PHONE_TEXT.test(text)) return fail(says.phoneBad(quote(text)));
  const international = text.startsWith('+') ? text : text.replace(/^00/, '+');
  if (international.startsWith('+')) return parseOrExplain(text, international, undefined, lang);
  return parseOrExplain(text, international, country, lang);
}

function normalizePhoneNumberCell(
  value: number,
  country: CountryCode | undefined,
  lang: Lang
): Parsed<string> {
  const text = String(value);
  if (!DIGITS_ONLY.test(text)) return fail(messages(lang).row.phoneBad(quote(text)));
  const e164 = (country && validE164(text, country)) ?? validE164('+' + text, undefined);
  if (e164 !== null) return ok(e164);
  // Explain in the region when there is one: a lost `+` is the rarer story.
  return country ? explain(text, text, country, lang) : explain(text, '+' + text, undefined, lang);
}

/** E.164 when `text` is a valid number (read in `country` unless it has a `+`), else null. */
function validE164(text: string, country: CountryCode | undefined): string | null {
  const parsed = parsePhoneNumberFromString(text, country);
  return parsed && parsed.isValid() && !parsed.ext ? parsed.number : null;
}

function parseOrExplain(
  shown: string,
  text: string,
  country: CountryCode | undefined,
  lang: Lang
): Parsed<string> {
  const e164 = validE164(text, country);
  return e164 !== null ? ok(e164) : explain(shown, text, country, lang);
}

/** Why `text` is not a valid number; `shown` is what the person typed, quoted in the message. */
function explain(
  shown: string,
  text: string,
  country: CountryCode | undefined,
  lang: Lang
): Parsed<string> {
  if (text.replace(/\D/g, '').length < 5) return fail(messages(lang).row.phoneShort(quote(shown)));
  return text.startsWith('+')
    ? explainInternational(shown, text, lang)
    : explainLocal(shown, text, country, lang);
}

function explainLocal(
  shown: string,
  text: string,
  country: CountryCode | undefined,
  lang: Lang
): Parsed<string> {
  const says = messages(lang).row;
  if (!country) return fail(says.phoneNoCountry(quote(shown)));
  if (validatePhoneNumberLength(text, country) === 'TOO_SHORT') {
    return fail(says.phoneShort(quote(shown)));
  }
  return fail(says.phoneNotInRegion(quote(shown), country));
}

function explainInternational(shown: string, text: string, lang: Lang): Parsed<string> {
  const says = messages(lang).row;
  switch (validatePhoneNumberLength(text)) {
    case 'INVALID_COUNTRY':
      return fail(says.phoneUnknownCountry(quote(shown)));
    case 'TOO_SHORT':
      return fail(says.phoneShort(quote(shown)));
    case 'TOO_LONG':
      return fail(says.phoneLong(quote(shown)));
    case 'INVALID_LENGTH':
      return fail(says.phoneWrongLength(quote(shown)));
    default:
      return fail(says.phoneBad(quote(shown)));
  }
}

const SEARCH_KEY_DIGITS = 10;

/**
 * The digits to search AmoCRM's contacts with (`query=`): the last 10 digits of the national
 * significant number (`+79123456789` → `9123456789`). AmoCRM's search is a substring match
 * over stored text and does not treat `+7…` and `8…` as the same number, so searching by the
 * common tail finds a contact however its phone was typed; the hits must still be compared
 * with {@link phonesEqual}.
 */
export function phoneSearchKey(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  const national = parsed ? String(parsed.nationalNumber) : e164.replace(/\D/g, '');
  return national.slice(-SEARCH_KEY_DIGITS);
}

/**
 * True when two phones are the same number after normalization in `region` (so
 * `8 (912) 345-67-89` equals `+79123456789`). A phone that does not normalize (AmoCRM may
 * hold anything a user typed there) equals another only if their digits are identical.
 * Blank never equals anything, blank included: an empty phone must not match a contact.
 */
export function phonesEqual(a: unknown, b: unknown, region: string): boolean {
  const left = normalizePhone(a, region);
  const right = normalizePhone(b, region);
  if (left.ok && right.ok) {
    return left.value !== null && left.value === right.value;
  }
  const leftDigits = digitsOf(a);
  return leftDigits !== '' && leftDigits === digitsOf(b);
}

function digitsOf(raw: unknown): string {
  return typeof raw === 'string' || typeof raw === 'number' ? String(raw).replace(/\D/g, '') : '';
}
