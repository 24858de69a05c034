// Contact names: trimmed with inner runs of whitespace (including line breaks typed with
// Alt+Enter) collapsed to one space. Everything else is kept as typed (any script, RTL text,
// emoji), because a name is the one field where we have no business guessing what is valid.
import type { Lang } from '../i18n/lang';
import { messages } from '../i18n/messages';
import { classifyCell } from './cell';
import { fail, ok, type Parsed } from './parsed';

/**
 * The longest name we send. AmoCRM's documentation states no limit that we could find; 255
 * is the usual text-column size there, and a clear error beats AmoCRM cutting the name or
 * refusing the whole batch. Counted in Unicode code points, not UTF-16 units.
 */
export const MAX_NAME_CHARS = 255;

/** Normalizes a name cell; blank → ok null, a numeric cell becomes its text. */
export function normalizeName(raw: unknown, lang: Lang = 'en'): Parsed<string | null> {
  const text = messages(lang).row;
  const cell = classifyCell(raw);
  switch (cell.kind) {
    case 'blank':
      return ok(null);
    case 'text':
      return checkLength(cell.text.replace(/\s+/g, ' ').trim(), lang);
    case 'number':
      return checkLength(String(cell.value), lang);
    case 'date':
      return fail(text.nameDate);
    default:
      return fail(text.nameNotText);
  }
}

function checkLength(name: string, lang: Lang): Parsed<string> {
  const length = Array.from(name).length;
  return length > MAX_NAME_CHARS
    ? fail(messages(lang).row.nameTooLong(length, MAX_NAME_CHARS))
    : ok(name);
}
