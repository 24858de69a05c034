// Checks and normalises the account's base URL (Script Property AMO_BASE_URL). Any http(s)
// URL works, `http://127.0.0.1:PORT` included, so tests and a local fake can stand in for
// AmoCRM; a trailing slash is dropped so paths can be appended as they are.

import { AmoError } from './errors';

/** `https://example.amocrm.ru/` → `https://example.amocrm.ru`; throws a config AmoError. */
export function normalizeBaseUrl(raw: string): string {
  const url = (raw ?? '').trim().replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/i.test(url)) {
    throw new AmoError({
      kind: 'config',
      message:
        'AMO_BASE_URL must be the address of the AmoCRM account, like https://example.amocrm.ru' +
        (url ? '' : ' (it is empty)'),
    });
  }
  return url;
}
