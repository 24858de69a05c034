// The result type every parser in src/domain and src/webhook returns. A bad cell or a bad
// webhook body is an expected event, not a bug, so parsers hand back a value the caller must
// look at instead of throwing; the error text is short and plain (English, or Russian when the
// caller passes 'ru': src/i18n/messages.ts holds both) because it ends up in
// the row's `sync_status` cell (as `error: <reason>`) or in doPost's JSON answer.

/** A parsed value, or the reason a person can read for why it could not be parsed. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** The successful result. */
export function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

/** The failed result; `error` is a short reason in the person's language, without a trailing period. */
export function fail<T = never>(error: string): Parsed<T> {
  return { ok: false, error };
}

const MAX_QUOTED_CHARS = 40;

/**
 * Quotes a user's value for an error message, cut to 40 characters so that a pasted
 * paragraph does not flood the `sync_status` cell.
 */
export function quote(text: string): string {
  const chars = Array.from(text);
  const shown =
    chars.length > MAX_QUOTED_CHARS ? chars.slice(0, MAX_QUOTED_CHARS - 1).join('') + '…' : text;
  return `"${shown}"`;
}
