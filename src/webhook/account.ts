// Which AmoCRM account a base URL belongs to, so doPost can refuse a webhook sent by another
// account (its `account[subdomain]`). Only the hosted domains name the account in the host:
// a test server or proxy (`http://127.0.0.1:1234`) does not, and then the caller must compare
// the account id or the subdomain that GET /api/v4/account reports instead.

// `<subdomain>.amocrm.ru`, `<subdomain>.amocrm.com`, `<subdomain>.kommo.com`, …
const HOSTED = /^([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)\.(?:amocrm|kommo)\.[a-z]{2,}(?:\.[a-z]{2,})?$/;

/**
 * The account subdomain of an AmoCRM/Kommo base URL (`https://example.amocrm.ru` →
 * `example`, `https://x.kommo.com/` → `x`), lower-cased; null for any other host (IP
 * addresses, localhost, custom domains) or text that is not an http(s) URL.
 */
export function subdomainFromBaseUrl(baseUrl: string): string | null {
  const match = /^\s*https?:\/\/(?:[^@/?#]*@)?([^/?#:]+)(?::\d+)?(?:[/?#]|\s*$)/i.exec(baseUrl);
  if (!match) return null;
  const host = match[1].toLowerCase().replace(/\.$/, '');
  const hosted = HOSTED.exec(host);
  return hosted && hosted[1] !== 'www' ? hosted[1] : null;
}
