// The account subdomain named by AMO_BASE_URL, and null wherever the host does not name one.
import { subdomainFromBaseUrl } from '../../src/webhook/account';

describe('subdomainFromBaseUrl', () => {
  it.each<[string, string | null]>([
    ['https://example.amocrm.ru', 'example'],
    ['https://example.amocrm.ru/', 'example'],
    [' https://Example.AmoCRM.ru/api/v4 ', 'example'],
    ['https://my-shop.amocrm.ru:443/leads?x=1', 'my-shop'],
    ['https://x.kommo.com', 'x'],
    ['https://x.amocrm.com', 'x'],
    ['https://x.amocrm.com.br', 'x'],
    ['https://user:pw@x.amocrm.ru', 'x'],
    ['https://example.amocrm.ru.', 'example'],
    ['http://127.0.0.1:1234', null],
    ['http://localhost:8080/', null],
    ['http://[::1]:8080', null],
    ['https://crm.example.com', null],
    ['https://x.amocrm.ru.evil.com', null],
    ['https://amocrm.ru', null],
    ['https://www.amocrm.ru', null],
    ['example.amocrm.ru', null],
    ['ftp://x.amocrm.ru', null],
    ['', null],
  ])('%p → %p', (baseUrl, subdomain) => {
    expect(subdomainFromBaseUrl(baseUrl)).toBe(subdomain);
  });
});
