// application/x-www-form-urlencoded, decoded by hand: Apps Script hands doPost the raw body
// in e.postData.contents and its own e.parameter is flat and keeps only the first value of a
// repeated key, and there is no URLSearchParams in Apps Script. Keys stay exactly as sent
// (`leads[status][0][id]`); giving them structure is events.ts's job.
import { fail, ok, type Parsed } from '../domain/parsed';

const NOT_FORM = 'the body is not valid form data';

/**
 * Splits a form body into `[key, value]` pairs in body order: `&` separates pairs, the first
 * `=` separates key from value (a pair without `=` has the value ''), `+` is a space, `%XX`
 * is UTF-8 percent-encoding. Empty pairs (`a=1&&b=2`, a trailing `&`) are skipped. Malformed
 * percent-encoding or invalid UTF-8 fails with `the body is not valid form data`.
 */
export function parseFormBody(body: string): Parsed<Array<[string, string]>> {
  const pairs: Array<[string, string]> = [];
  for (const part of body.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decodeComponent(eq < 0 ? part : part.slice(0, eq));
    const value = decodeComponent(eq < 0 ? '' : part.slice(eq + 1));
    if (key === null || value === null) return fail(NOT_FORM);
    pairs.push([key, value]);
  }
  return ok(pairs);
}

function decodeComponent(text: string): string | null {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    // decodeURIComponent throws URIError on `%zz`, a cut-off `%4` or bytes that are not UTF-8.
    return null;
  }
}
