// Email normalization: what is accepted (lower-cased as typed, Cyrillic domains included) and
// the exact error for what is not.
import { normalizeEmail } from '../../src/domain/email';

describe('normalizeEmail', () => {
  it.each<[unknown, string]>([
    ['ivan@example.com', 'ivan@example.com'],
    ['  Ivan.Petrov@Example.COM ', 'ivan.petrov@example.com'],
    ['ivan+sheet@mail.ru', 'ivan+sheet@mail.ru'],
    ['иван@почта.рф', 'иван@почта.рф'],
    ['ИВАН@ПОЧТА.РФ', 'иван@почта.рф'],
    ['info@xn--80a1acny.xn--p1ai', 'info@xn--80a1acny.xn--p1ai'],
    ['a_b-c@sub.domain.co.uk', 'a_b-c@sub.domain.co.uk'],
    ['mailto:Ivan@Example.com', 'ivan@example.com'],
    ['\u200bivan@example.com\u00a0', 'ivan@example.com'],
  ])('%p → %p', (raw, expected) => {
    expect(normalizeEmail(raw)).toEqual({ ok: true, value: expected });
  });

  it.each([[''], ['  '], [undefined], [null]])('%p is blank → null', raw => {
    expect(normalizeEmail(raw)).toEqual({ ok: true, value: null });
  });

  it.each<[unknown, string]>([
    ['ivan@', 'email "ivan@" is not a valid address'],
    ['@example.com', 'email "@example.com" is not a valid address'],
    ['ivan', 'email "ivan" is not a valid address'],
    ['ivan@example', 'email "ivan@example" is not a valid address'],
    ['ivan@@example.com', 'email "ivan@@example.com" is not a valid address'],
    ['ivan@petrov@example.com', 'email "ivan@petrov@example.com" is not a valid address'],
    ['iv an@example.com', 'email "iv an@example.com" is not a valid address'],
    ['ivan@exa mple.com', 'email "ivan@exa mple.com" is not a valid address'],
    ['ivan@example..com', 'email "ivan@example..com" is not a valid address'],
    ['ivan@.example.com', 'email "ivan@.example.com" is not a valid address'],
    ['ivan@example.com.', 'email "ivan@example.com." is not a valid address'],
    ['ivan@-example.com', 'email "ivan@-example.com" is not a valid address'],
    ['ivan@1.2.3.4', 'email "ivan@1.2.3.4" is not a valid address'],
    ['.ivan@example.com', 'email ".ivan@example.com" is not a valid address'],
    ['iv..an@example.com', 'email "iv..an@example.com" is not a valid address'],
    ['Ivan <ivan@example.com>', 'email "Ivan <ivan@example.com>" is not a valid address'],
    ['a@example.com, b@example.com', 'email "a@example.com, b@example.com" is not a valid address'],
    ['a@example.com;b@example.com', 'email "a@example.com;b@example.com" is not a valid address'],
    [`${'a'.repeat(65)}@example.com`, `email "${'a'.repeat(39)}…" is not a valid address`],
    ['ivan\u0007@example.com', 'email "ivan\u0007@example.com" is not a valid address'],
    [42, 'email is not an address'],
    [true, 'email is not an address'],
    [new Date(2024, 0, 1), 'email is not an address'],
  ])('%p → error %p', (raw, error) => {
    expect(normalizeEmail(raw)).toEqual({ ok: false, error });
  });
});
