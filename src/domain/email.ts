// Email addresses: trimmed and lower-cased (AmoCRM matching and the contract's dedup rule are
// case-insensitive), then given a syntax check that catches what people actually get wrong in
// a sheet (a missing @ or domain, two addresses in one cell, a stray space or bracket) without
// refusing real addresses: internationalised domains such as `почта.рф` are kept as typed.
import type { Lang } from '../i18n/lang';
import { messages } from '../i18n/messages';
import { classifyCell, stripInvisible } from './cell';
import { fail, ok, quote, type Parsed } from './parsed';

const MAX_ADDRESS_CHARS = 254;
const MAX_LOCAL_CHARS = 64;
// Characters that never belong in an address typed into a sheet; they mean "Name <a@b>",
// "a@b, c@d" or a quoted local part, which AmoCRM's EMAIL field should not receive.
const FORBIDDEN = /[\s<>()[\]\\,;:"\p{Cc}]/u;
const DOMAIN_LABEL = /^[\p{L}\p{N}\p{M}](?:[\p{L}\p{N}\p{M}-]*[\p{L}\p{N}\p{M}])?$/u;

/**
 * Normalizes an email cell: trim, drop a `mailto:` prefix, lower-case, check the syntax
 * (one @, a non-empty local part without leading, trailing or double dots, a domain with at
 * least one dot and no empty label, no spaces or brackets). Blank → ok null.
 */
export function normalizeEmail(raw: unknown, lang: Lang = 'en'): Parsed<string | null> {
  const text = messages(lang).row;
  const cell = classifyCell(raw);
  if (cell.kind === 'blank') return ok(null);
  if (cell.kind !== 'text') return fail(text.emailNotAddress);
  const address = stripInvisible(cell.text)
    .trim()
    .replace(/^mailto:/i, '')
    .toLowerCase();
  return isValidAddress(address) ? ok(address) : fail(text.emailBad(quote(cell.text.trim())));
}

function isValidAddress(address: string): boolean {
  if (address.length > MAX_ADDRESS_CHARS || FORBIDDEN.test(address)) return false;
  const parts = address.split('@');
  if (parts.length !== 2) return false;
  const [local, domain] = parts;
  return isValidLocal(local) && isValidDomain(domain);
}

function isValidLocal(local: string): boolean {
  return (
    local.length > 0 &&
    local.length <= MAX_LOCAL_CHARS &&
    !local.startsWith('.') &&
    !local.endsWith('.') &&
    !local.includes('..')
  );
}

function isValidDomain(domain: string): boolean {
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  const topLevel = labels[labels.length - 1];
  // A numeric top-level label means a typo such as `mail.ru1.2` or a bare IP address.
  return labels.every(label => DOMAIN_LABEL.test(label)) && !/^\d+$/.test(topLevel);
}
