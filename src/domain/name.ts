// Contact names: trimmed with inner runs of whitespace (including line breaks typed with
// Alt+Enter) collapsed to one space. Everything else is kept as typed (any script, RTL text,
// emoji), because a name is the one field where we have no business guessing what is valid.
import { classifyCell } from './cell';
import { fail, ok, type Parsed } from './parsed';

/**
 * The longest name we send. AmoCRM's documentation states no limit that we could find; 255
 * is the usual text-column size there, and a clear error beats AmoCRM cutting the name or
 * refusing the whole batch. Counted in Unicode code points, not UTF-16 units.
 */
export const MAX_NAME_CHARS = 255;

/** Normalizes a name cell; blank → ok null, a numeric cell becomes its text. */
export function normalizeName(raw: unknown): Parsed<string | null> {
  const cell = classifyCell(raw);
  switch (cell.kind) {
    case 'blank':
      return ok(null);
    case 'text':
      return checkLength(cell.text.replace(/\s+/g, ' ').trim());
    case 'number':
      return checkLength(String(cell.value));
    case 'date':
      return fail('name is a date: format the cell as plain text');
    default:
      return fail('name is not text');
  }
}

function checkLength(name: string): Parsed<string> {
  const length = Array.from(name).length;
  return length > MAX_NAME_CHARS
    ? fail(`name is too long: ${length} characters, at most ${MAX_NAME_CHARS} allowed`)
    : ok(name);
}
