// A tiny PHP-style query-string encoder, because Apps Script has neither URL nor
// URLSearchParams. AmoCRM's filters are bracket keys (`filter[id][]=1&filter[id][]=2`,
// `filter[updated_at][from]=…`), so nested objects become `key[sub]` and arrays `key[]`.
// Brackets are percent-encoded: UrlFetchApp rejects some raw reserved characters, and every
// server decodes `%5B`/`%5D` back to brackets.

/** A value in a query: scalars, arrays (`key[]=`) and nested objects (`key[sub]=`). */
export type QueryValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly QueryValue[]
  | { readonly [key: string]: QueryValue };

/** Query parameters; `null`/`undefined` values are left out. */
export type QueryParams = { readonly [key: string]: QueryValue };

/** Encodes parameters as `a=1&b%5B%5D=2` (no leading `?`); '' when nothing is set. */
export function encodeQuery(params: QueryParams): string {
  const pairs: string[] = [];
  for (const key of Object.keys(params)) appendPairs(pairs, key, params[key]);
  return pairs.join('&');
}

function appendPairs(pairs: string[], key: string, value: QueryValue): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    for (const item of value) appendPairs(pairs, `${key}[]`, item);
  } else if (typeof value === 'object') {
    const obj = value as { readonly [key: string]: QueryValue };
    for (const sub of Object.keys(obj)) appendPairs(pairs, `${key}[${sub}]`, obj[sub]);
  } else {
    pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  }
}
