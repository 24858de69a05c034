// The plain-TypeScript SHA-256 against Node's crypto, across block boundaries and non-ASCII.

import { createHash } from 'node:crypto';
import { sha256Hex } from '../../src/amo/sha256';

test.each([
  '',
  'abc',
  'def50200f4151ec4424843abc377eec488c6e8dceeda93b3f0b33d8f02207911',
  'a'.repeat(55),
  'a'.repeat(56),
  'a'.repeat(64),
  'a'.repeat(1000),
  'Иван Иванов — 😀 код',
])('matches node:crypto for %p', text => {
  expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
});
