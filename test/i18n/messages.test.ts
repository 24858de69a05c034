// The message catalogue: both languages have every key with the same shape, Russian texts are
// Russian and English texts English (no sentence made of two languages), the language follows
// the spreadsheet's locale unless UI_LANGUAGE says otherwise, and every text the dialog page
// marks with data-t exists in both languages.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pickLang } from '../../src/i18n/lang';
import { MESSAGES, shortDate } from '../../src/i18n/messages';
import { validateRow } from '../../src/domain/row-data';
import { dialogTexts } from '../../src/ui/dialog-texts';

type Tree = { [key: string]: unknown };

/** Every leaf as [path, value], functions called with sample arguments. */
function leaves(tree: unknown, path = ''): Array<[string, unknown]> {
  if (typeof tree === 'function') {
    const args = Array.from({ length: tree.length }, (_, i) =>
      i === 0 &&
      /missing|names|oauthIncomplete|notConfigured|triggersRefused|offer|columnsAdded|openHint/.test(
        path
      )
        ? ['x']
        : i + 2
    );
    if (/summary$/.test(path)) {
      return [
        [
          path,
          (tree as (s: unknown) => string)({
            created: 1,
            updated: 2,
            unchanged: 3,
            errors: 4,
            pending: 5,
            pulled: 6,
            left: 7,
          }),
        ],
      ];
    }
    if (/backgroundFinished$/.test(path)) {
      return [[path, (tree as (f: string, n: number) => string)('import', 3)]];
    }
    return [[path, (tree as (...a: unknown[]) => unknown)(...args)]];
  }
  if (Array.isArray(tree) || tree === null || typeof tree !== 'object') return [[path, tree]];
  return Object.entries(tree as Tree).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
}

function shape(tree: unknown): unknown {
  if (typeof tree === 'function') return `fn/${tree.length}`;
  if (Array.isArray(tree)) return `array/${tree.length}`;
  if (tree === null || typeof tree !== 'object') return typeof tree;
  return Object.fromEntries(Object.entries(tree as Tree).map(([k, v]) => [k, shape(v)]));
}

const CYRILLIC = /[а-яё]/i;
/** Texts that are the same in both languages: names, ids and symbols. */
const SAME =
  /^(lang|menu\.title|log\.sheet|columns\.headers\.(amo_|external|sync)|row\.errorPrefix)/;

describe('the catalogue', () => {
  it('has the same keys, with the same kinds and arities, in Russian and English', () => {
    expect(shape(MESSAGES.ru)).toEqual(shape(MESSAGES.en));
  });

  it('speaks Russian in every Russian text', () => {
    const english = leaves(MESSAGES.ru).filter(
      ([path, v]) => !SAME.test(path) && typeof v === 'string' && !CYRILLIC.test(v)
    );
    expect(english).toEqual([]);
    const arrays = leaves(MESSAGES.ru).filter(([, v]) => Array.isArray(v));
    for (const [, list] of arrays) {
      for (const item of list as string[]) expect(item).toMatch(CYRILLIC);
    }
  });

  it('has no Russian in the English texts', () => {
    const mixed = leaves(MESSAGES.en).filter(([, v]) => typeof v === 'string' && CYRILLIC.test(v));
    expect(mixed).toEqual([]);
  });

  it('names AmoCRM screens as each language of AmoCRM does, and never a Script Property', () => {
    expect(MESSAGES.en.settings.tokenRefused).toContain('Keys and scopes');
    expect(MESSAGES.ru.settings.tokenRefused).toContain('«Ключи и доступы»');
    for (const lang of ['en', 'ru'] as const) {
      const texts = leaves(MESSAGES[lang]).map(([, v]) => String(v));
      expect(texts.filter(t => /AMO_[A-Z_]+|WEBHOOK_SECRET|SHEET_NAME/.test(t))).toEqual([]);
    }
  });

  it('begins a failed row in Russian with ошибка, as the contract allows', () => {
    expect(MESSAGES.ru.row.errorPrefix).toBe('ошибка');
    expect(MESSAGES.en.row.errorPrefix).toBe('error');
    for (const lang of ['en', 'ru'] as const) {
      const status = MESSAGES[lang].status;
      const prefix = MESSAGES[lang].row.errorPrefix;
      expect(status.error('x')).toMatch(new RegExp(`^${prefix}`));
      expect(status.retrying('x')).toMatch(new RegExp(`^${prefix}`));
      for (const ok of [
        status.synced('3 Dec 12:04'),
        status.pending('x'),
        status.syncing,
        status.deleted,
      ]) {
        expect(ok).not.toMatch(/^(error|ошибка)/);
      }
    }
    expect(shortDate('ru', 3, 12, '12:04')).toBe('3 дек 12:04');
    expect(MESSAGES.ru.status.synced(shortDate('ru', 3, 12, '12:04'))).toBe(
      '✓ синхронизировано 3 дек 12:04'
    );
  });
});

describe('pickLang', () => {
  it.each([
    ['ru_RU', null, 'ru'],
    ['ru', undefined, 'ru'],
    ['ru-KZ', '', 'ru'],
    ['en_US', null, 'en'],
    ['de_DE', null, 'en'],
    ['', null, 'en'],
    ['rus_XX', null, 'en'],
    ['en_US', 'ru', 'ru'],
    ['ru_RU', 'EN', 'en'],
    ['ru_RU', 'fr', 'ru'],
  ])('%s with override %s → %s', (locale, override, lang) => {
    expect(pickLang(locale, override)).toBe(lang);
  });
});

describe('the dialog page', () => {
  const html = readFileSync(join(__dirname, '../../src/ui/settings-dialog.html'), 'utf8');
  const keys = [...html.matchAll(/data-t="([^"]+)"/g)].map(m => m[1]);

  it('has a text of both languages for every data-t element', () => {
    expect(keys.length).toBeGreaterThan(25);
    for (const lang of ['en', 'ru'] as const) {
      const texts = dialogTexts(lang);
      expect(keys.filter(key => typeof texts[key] !== 'string')).toEqual([]);
    }
  });

  it('shows the English catalogue text where it stands in English', () => {
    const texts = dialogTexts('en');
    for (const match of html.matchAll(/data-t="([^"]+)"[^>]*>([^<]+)</g)) {
      expect(match[2].replace(/\s+/g, ' ').trim()).toBe(texts[match[1]]);
    }
  });
});

describe('row errors', () => {
  const bad = { name: 'Ann', phone: '12ab', email: 'ann@', budget: 'abc' };

  it('are English by default, as before', () => {
    expect(validateRow(bad, 'RU')).toEqual({
      ok: false,
      error:
        'phone "12ab" is not a valid number; email "ann@" is not a valid address; budget "abc" is not a number',
    });
  });

  it('are Russian for a Russian sheet, every field in one go', () => {
    expect(validateRow(bad, 'RU', 'ru')).toEqual({
      ok: false,
      error:
        'телефон "12ab" — неверный номер; email "ann@" — неверный адрес; бюджет "abc" — не число',
    });
    expect(validateRow({ name: '#REF!', phone: '', email: '', budget: '' }, 'RU', 'ru')).toEqual({
      ok: false,
      error: 'в ячейке «Имя» ошибка #REF!: исправьте формулу или значение',
    });
  });
});
