// PHP-style query strings (`filter[id][]=1&filter[id][]=2&order[updated_at]=desc`) parsed
// into a nested object, the way AmoCRM's PHP backend sees them. `[]` appends, `[0]` indexes,
// so `filter[id]=5`, `filter[id][]=5` and `filter[id][0]=5` all reach the same filter.

export type QueryValue = string | QueryObject;
export interface QueryObject {
  [key: string]: QueryValue;
}

export function parseBracketQuery(params: URLSearchParams): QueryObject {
  const root: QueryObject = {};
  for (const [key, value] of params) assign(root, splitKey(key), value);
  return root;
}

function splitKey(key: string): string[] {
  const match = /^([^[]+)((?:\[[^\]]*\])*)$/.exec(key);
  if (!match) return [key];
  const inner = [...match[2].matchAll(/\[([^\]]*)\]/g)].map(m => m[1]);
  return [match[1], ...inner];
}

function assign(root: QueryObject, parts: string[], value: string): void {
  let node = root;
  for (let i = 0; i < parts.length; i += 1) {
    const key = parts[i] === '' ? String(Object.keys(node).length) : parts[i];
    if (i === parts.length - 1) {
      node[key] = value;
      return;
    }
    const child = node[key];
    if (typeof child !== 'object') node[key] = {};
    node = node[key] as QueryObject;
  }
}

/** Every string under a value: `5`, `{0:'5',1:'6'}` → ['5'], ['5','6']. */
export function stringsOf(value: QueryValue | undefined): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return value === '' ? [] : value.split(',');
  return Object.values(value).flatMap(stringsOf);
}

export function intsOf(value: QueryValue | undefined): number[] {
  return stringsOf(value)
    .map(s => Number(s.trim()))
    .filter(n => Number.isInteger(n));
}

export function child(value: QueryValue | undefined, key: string): QueryValue | undefined {
  return typeof value === 'object' ? value[key] : undefined;
}

/** A flat `{key: value | values}` view for the request log. */
export function flatQuery(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of params) {
    const prev = out[key];
    if (prev === undefined) out[key] = value;
    else out[key] = Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}
