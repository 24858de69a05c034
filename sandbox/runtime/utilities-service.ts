// Utilities: sleep on the virtual clock (max 5 minutes), UUIDs, digests and HMACs as SIGNED
// byte arrays, base64 (standard and web-safe), SimpleDateFormat-style formatDate, sprintf-style
// formatString, blobs and CSV parsing.

import { createHash, createHmac, randomUUID } from 'node:crypto';
import { types } from 'node:util';
import { blobObject, bytesOf } from './blob';
import { signedBytes } from './bytes';
import { parseCsv } from './csv';
import { formatSimpleDate } from './date-format';
import { GasException, signatureMismatch } from './errors';
import type { Execution } from './execution';

const MAX_SLEEP_MS = 300_000;
const DIGESTS: Record<string, string> = {
  MD5: 'md5',
  SHA_1: 'sha1',
  SHA_256: 'sha256',
  SHA_384: 'sha384',
  SHA_512: 'sha512',
};
const MACS: Record<string, string> = {
  HMAC_MD5: 'md5',
  HMAC_SHA_1: 'sha1',
  HMAC_SHA_256: 'sha256',
  HMAC_SHA_384: 'sha384',
  HMAC_SHA_512: 'sha512',
};

export function createUtilities(exec: Execution): object {
  const hmac = (algorithm: string, value: unknown, key: unknown, charset: unknown): number[] =>
    signedBytes(
      createHmac(algorithm, bytesOf(exec, key, charset))
        .update(bytesOf(exec, value, charset))
        .digest()
    );
  return exec.object(
    'Utilities',
    {
      sleep: ms => sleep(exec, ms),
      getUuid: () => randomUUID(),
      computeDigest: (algorithm, value, charset) => {
        const name = DIGESTS[String(algorithm)];
        if (!name) throw new GasException(`Invalid argument: algorithm`);
        return signedBytes(
          createHash(name)
            .update(bytesOf(exec, value, charset))
            .digest()
        );
      },
      computeHmacSha256Signature: (value, key, charset) => hmac('sha256', value, key, charset),
      computeHmacSignature: (algorithm, value, key, charset) => {
        const name = MACS[String(algorithm)];
        if (!name) throw new GasException(`Invalid argument: algorithm`);
        return hmac(name, value, key, charset);
      },
      base64Encode: (data, charset) => bytesOf(exec, data, charset).toString('base64'),
      base64EncodeWebSafe: (data, charset) =>
        bytesOf(exec, data, charset).toString('base64').replace(/\+/g, '-').replace(/\//g, '_'),
      base64Decode: encoded => signedBytes(base64Bytes(String(encoded), false)),
      base64DecodeWebSafe: encoded => signedBytes(base64Bytes(String(encoded), true)),
      formatDate: (date, timeZone, format) => {
        if (!types.isDate(date)) {
          throw signatureMismatch('Utilities.formatDate', [date, timeZone, format]);
        }
        return formatSimpleDate(date.getTime(), String(timeZone), String(format));
      },
      formatString: (template, ...args) => formatString(String(template), args),
      newBlob: (data, contentType, name) =>
        blobObject(exec, {
          bytes: bytesOf(exec, data ?? ''),
          contentType:
            contentType === undefined || contentType === null ? null : String(contentType),
          name: name === undefined || name === null ? null : String(name),
        }),
      parseCsv: (csv, delimiter) =>
        parseCsv(String(csv), delimiter === undefined ? ',' : String(delimiter)),
    },
    {
      props: {
        DigestAlgorithm: exec.enumType('DigestAlgorithm', ['MD2', ...Object.keys(DIGESTS)]),
        MacAlgorithm: exec.enumType('MacAlgorithm', Object.keys(MACS)),
        Charset: exec.enumType('Charset', ['US_ASCII', 'UTF_8']),
      },
    }
  );
}

function sleep(exec: Execution, ms: unknown): void {
  const n = Number(ms);
  if (!Number.isFinite(n) || n < 0) throw signatureMismatch('Utilities.sleep', [ms]);
  if (n > MAX_SLEEP_MS) throw new GasException('Invalid argument: milliseconds');
  exec.counters.sleepMs += Math.floor(n);
  exec.state.clock.advance(n);
}

/** Strict base64: Apps Script refuses text that is not base64. */
function base64Bytes(text: string, webSafe: boolean): Buffer {
  const alphabet = webSafe ? /^[A-Za-z0-9\-_]*={0,2}$/ : /^[A-Za-z0-9+/]*={0,2}$/;
  const compact = text.replace(/\s+/g, '');
  if (!alphabet.test(compact) || compact.replace(/=+$/, '').length % 4 === 1) {
    throw new GasException('Could not decode string.');
  }
  return Buffer.from(webSafe ? compact.replace(/-/g, '+').replace(/_/g, '/') : compact, 'base64');
}

/** A small sprintf: %s, %d/%i, %f with optional precision (%.2f), %%. */
function formatString(template: string, args: unknown[]): string {
  let i = 0;
  return template.replace(
    /%(\.\d+)?([sdif%])/g,
    (match, precision: string | undefined, kind: string) => {
      if (kind === '%') return '%';
      if (i >= args.length) return match;
      const value = args[i];
      i += 1;
      if (kind === 's') return String(value);
      if (kind === 'd' || kind === 'i') return String(Math.trunc(Number(value)));
      const digits = precision ? Number(precision.slice(1)) : 6;
      return Number(value).toFixed(digits);
    }
  );
}
