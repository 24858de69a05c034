// The tests' stand-in for Utilities.computeDigest(SHA_256): Node's own, as hex.
import { createHash } from 'node:crypto';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
