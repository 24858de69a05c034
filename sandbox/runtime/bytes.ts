// Byte handling shared by Utilities, Blob and UrlFetchApp: Apps Script represents bytes as
// arrays of SIGNED numbers (−128..127, Java's byte), text is encoded with a charset given as a
// Utilities.Charset value (UTF_8, US_ASCII) or an IANA label ('windows-1251').

import { GasException } from './errors';

export function signedBytes(buf: Uint8Array): number[] {
  return Array.from(buf, b => (b > 127 ? b - 256 : b));
}

/** Bytes of a string (in a charset) or of a byte array (signed or unsigned numbers). */
export function toBuffer(data: unknown, charset?: unknown): Buffer {
  if (typeof data === 'string') return encodeText(data, charset);
  if (Array.isArray(data)) return Buffer.from(data.map(b => Number(b) & 0xff));
  if (data instanceof Uint8Array) return Buffer.from(data);
  throw new GasException('Invalid argument: data');
}

export function encodeText(text: string, charset?: unknown): Buffer {
  const name = charsetName(charset);
  if (name === 'utf-8') return Buffer.from(text, 'utf8');
  if (name === 'us-ascii') {
    return Buffer.from(
      Array.from(text, ch => (ch.charCodeAt(0) > 127 ? '?' : ch)).join(''),
      'latin1'
    );
  }
  if (name === 'iso-8859-1') return Buffer.from(text, 'latin1');
  throw new GasException(`Unsupported charset: ${String(charset)}`);
}

export function decodeText(buf: Uint8Array, charset?: unknown): string {
  const name = charsetName(charset);
  try {
    return new TextDecoder(name === 'us-ascii' ? 'windows-1252' : name).decode(buf);
  } catch {
    return Buffer.from(buf).toString('utf8');
  }
}

/** The charset of a Content-Type header, if any. */
export function charsetOf(contentType: string | null | undefined): string | undefined {
  const m = /;\s*charset="?([^";\s]+)"?/i.exec(contentType ?? '');
  return m ? m[1] : undefined;
}

function charsetName(charset: unknown): string {
  if (charset === undefined || charset === null) return 'utf-8';
  const text = String(charset).toLowerCase().replace(/_/g, '-');
  if (text === 'utf-8' || text === 'utf8') return 'utf-8';
  if (text === 'us-ascii' || text === 'ascii') return 'us-ascii';
  if (text === 'iso-8859-1' || text === 'latin1') return 'iso-8859-1';
  return text;
}
