// PHP's form encoding, as AmoCRM's webhooks use it: nested keys written as `a[b][0][c]`, each
// key and value percent-encoded the way PHP's urlencode() does (brackets too, '+' for a space,
// only letters, digits and `-_.` left bare). The fixtures' bodies are byte-for-byte this.

export type FormPairs = Array<[string, string]>;

export function phpUrlencode(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*~]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

export function encodeForm(pairs: FormPairs): string {
  return pairs.map(([key, value]) => `${phpUrlencode(key)}=${phpUrlencode(value)}`).join('&');
}

/** The inverse, for tests and logs: pairs in body order. */
export function decodeForm(body: string): FormPairs {
  if (body === '') return [];
  const decode = (part: string) => decodeURIComponent(part.replace(/\+/g, ' '));
  return body.split('&').map(part => {
    const eq = part.indexOf('=');
    if (eq < 0) return [decode(part), ''];
    return [decode(part.slice(0, eq)), decode(part.slice(eq + 1))];
  });
}

/** `['custom_fields', 0, 'id']` under `leads[status][0]` → `leads[status][0][custom_fields][0][id]`. */
export function bracketKey(prefix: string, path: Array<string | number>): string {
  return prefix + path.map(part => `[${part}]`).join('');
}
