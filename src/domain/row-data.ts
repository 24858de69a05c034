// One sheet row's synced fields, validated together. The sheet layer reads the raw cells and
// the sync layer acts on the result, so this is where the contract's row rules live: a row
// without name, phone and email is empty and skipped (a budget alone does not make a row),
// every field error is reported at once so the person can fix the row in one go, and a row
// without a name still syncs, its contact named after its phone or email.
import type { Lang } from '../i18n/lang';
import { messages } from '../i18n/messages';
import { isBlankCell, sheetsError } from './cell';
import { normalizeEmail } from './email';
import { parseBudget } from './budget';
import { normalizeName } from './name';
import { normalizePhone } from './phone';
import type { Parsed } from './parsed';

/** Raw cell values; a field is undefined when its column is missing from the sheet. */
export type RowInput = { name: unknown; phone: unknown; email: unknown; budget: unknown };

/** A row's fields, normalized: E.164 phone, lower-case email, integer budget. */
export type RowData = {
  name: string | null;
  phone: string | null;
  email: string | null;
  budget: number | null;
};

/** An empty row (skip it), a valid row, or every field error joined with '; '. */
export type RowValidation =
  | { ok: true; empty: true }
  | { ok: true; empty: false; value: RowData }
  | { ok: false; error: string };

/** True when name, phone and email are all blank (the budget does not count). */
export function isEmptyRow(input: RowInput): boolean {
  return isBlankCell(input.name) && isBlankCell(input.phone) && isBlankCell(input.email);
}

/**
 * Validates a row. `region` (e.g. `RU`) reads phones written without a country code. The
 * error lists every bad field in `lang`, e.g. `phone "12ab" is not a valid number; budget
 * "abc" is not a number` (or `телефон "12ab" — неверный номер; …`).
 */
export function validateRow(input: RowInput, region: string, lang: Lang = 'en'): RowValidation {
  const text = messages(lang);
  if (isEmptyRow(input)) return { ok: true, empty: true };
  // A cell that shows a formula error holds no value at all: say so rather than sync it.
  const broken = (['name', 'phone', 'email', 'budget'] as const).flatMap(field => {
    const error = sheetsError(input[field]);
    const shown = lang === 'en' ? field : text.columns.headers[field];
    return error ? [text.row.cellError(shown, error)] : [];
  });
  if (broken.length > 0) return { ok: false, error: broken.join('; ') };
  const name = normalizeName(input.name, lang);
  const phone = normalizePhone(input.phone, region, lang);
  const email = normalizeEmail(input.email, lang);
  const budget = parseBudget(input.budget, lang);
  if (name.ok && phone.ok && email.ok && budget.ok) {
    const value = {
      name: name.value,
      phone: phone.value,
      email: email.value,
      budget: budget.value,
    };
    return { ok: true, empty: false, value };
  }
  const errors = [name, phone, email, budget].flatMap(errorOf);
  return { ok: false, error: errors.join('; ') };
}

function errorOf(result: Parsed<unknown>): string[] {
  return result.ok ? [] : [result.error];
}

/**
 * The contact name to send: the name, else the phone, else the email (AmoCRM shows a
 * nameless contact as "Контакт без имени", which is useless in a list of hundreds).
 */
export function displayName(value: RowData): string {
  return value.name ?? value.phone ?? value.email ?? '';
}
