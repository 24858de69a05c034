// A fingerprint of a row's synced values, stored next to the row after each sync so that the
// next sync can tell "changed since" without asking AmoCRM. Two 32-bit FNV-1a passes with
// different offset bases give 64 bits: not cryptographic (nothing here needs to resist an
// attacker), but a chance collision on a real edit is negligible, and FNV needs no Utilities
// service, so the same code runs in Apps Script and in tests.

const FNV_PRIME = 0x01000193;
const FNV_OFFSET = 0x811c9dc5;
// An arbitrary second offset basis: the same text then gives an unrelated second half.
const FNV_OFFSET_2 = 0x050c5d1f;

/**
 * A 16-hex-character hash of the values, in order. Each value is tagged with its type and
 * length before hashing, so `null`, `''`, `'null'`, `1` and `'1'` all differ and no two lists
 * collide by shifting characters between neighbouring values.
 */
export function fingerprint(values: Array<string | number | null>): string {
  const text = values.map(encodeValue).join('');
  return hex32(fnv1a(text, FNV_OFFSET)) + hex32(fnv1a(text, FNV_OFFSET_2));
}

function encodeValue(value: string | number | null): string {
  if (value === null) return 'n;';
  if (typeof value === 'number') return `d${String(value)};`;
  return `s${value.length}:${value}`;
}

function fnv1a(text: string, offset: number): number {
  let hash = offset;
  for (let i = 0; i < text.length; i++) {
    // UTF-16 code units, both bytes, so the hash does not depend on a text encoder.
    const unit = text.charCodeAt(i);
    hash = Math.imul(hash ^ (unit & 0xff), FNV_PRIME);
    hash = Math.imul(hash ^ (unit >>> 8), FNV_PRIME);
  }
  return hash >>> 0;
}

function hex32(value: number): string {
  return value.toString(16).padStart(8, '0');
}
