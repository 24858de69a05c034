// Form encoding as a web app sees it: query strings and application/x-www-form-urlencoded bodies
// split into key/value pairs ('+' is a space, %XX is UTF-8), multipart/form-data text fields,
// and the reverse for UrlFetchApp's object payloads. Malformed percent-encoding never throws:
// a '%' not followed by two hex digits stays as it is, and bytes that are not valid UTF-8
// become U+FFFD (Apps Script's exact behaviour here is not documented).

export type Pair = [string, string];

export function decodeFormComponent(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced.replace(/(?:%[0-9A-Fa-f]{2})+/g, run => {
      const bytes = Buffer.from(run.replace(/%/g, ''), 'hex');
      return new TextDecoder('utf-8').decode(bytes);
    });
  }
}

/** `a=1&b=2&a=3` → pairs in order; a key without '=' has the value ''. */
export function parseFormPairs(text: string): Pair[] {
  return text
    .split('&')
    .filter(part => part !== '')
    .map(part => {
      const eq = part.indexOf('=');
      const key = eq < 0 ? part : part.slice(0, eq);
      const value = eq < 0 ? '' : part.slice(eq + 1);
      return [decodeFormComponent(key), decodeFormComponent(value)];
    });
}

/** Text fields of a multipart/form-data body (file parts are skipped). */
export function parseMultipartPairs(body: string, contentType: string): Pair[] {
  const m = /boundary="?([^";]+)"?/i.exec(contentType);
  if (!m) return [];
  const pairs: Pair[] = [];
  for (const part of body.split(`--${m[1]}`)) {
    const split = part.indexOf('\r\n\r\n') >= 0 ? '\r\n\r\n' : '\n\n';
    const headerEnd = part.indexOf(split);
    if (headerEnd < 0) continue;
    const headers = part.slice(0, headerEnd);
    const name = /name="([^"]*)"/i.exec(headers);
    if (!name || /filename=/i.test(headers)) continue;
    pairs.push([name[1], part.slice(headerEnd + split.length).replace(/\r?\n$/, '')]);
  }
  return pairs;
}

/** An object payload as UrlFetchApp sends it: form fields, values stringified. */
export function encodeForm(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
    .join('&');
}
