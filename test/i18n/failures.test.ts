// AmoCRM failures as the person reads them: in the dialog a refused token was mistyped, in a
// run it has expired; an unreachable host is named once, not nested in the client's own
// sentence; something retried later says so; Russian never carries the client's English.
import { AmoError } from '../../src/amo/errors';
import { Explained, failureText } from '../../src/i18n/failures';
import { NetworkError } from '../../src/ports';

const AT = { baseUrl: 'https://mycompany.amocrm.ru/leads?x=1', usesToken: true };
const refused = new AmoError({
  kind: 'auth',
  status: 401,
  message:
    'AmoCRM refused the long-lived token (AMO_LONG_LIVED_TOKEN): it has expired or was revoked',
});
const unreachable = new AmoError({
  kind: 'network',
  message: 'Could not reach AmoCRM after 2 attempts (Address unavailable: https://x)',
});
const renewing = new AmoError({
  kind: 'auth',
  retryable: true,
  message:
    'Another run of the script is renewing the AmoCRM access right now; this run stops here and the work is retried later',
});

describe('failureText', () => {
  it('calls a token refused in the dialog not accepted, and in a run expired', () => {
    expect(failureText(refused, 'en', { ...AT, during: 'dialog' })).toMatch(
      /^AmoCRM did not accept the long-lived token: check that it was copied whole/
    );
    expect(failureText(refused, 'ru', { ...AT, during: 'run' })).toMatch(
      /^AmoCRM больше не принимает долгосрочный токен: срок его действия истёк/
    );
    expect(failureText(refused, 'en', { ...AT, usesToken: false, during: 'dialog' })).toMatch(
      /^AmoCRM did not accept the OAuth values/
    );
  });

  it('names an unreachable host once, without the client’s own sentence inside', () => {
    const text = failureText(unreachable, 'en', { ...AT, during: 'dialog' });
    expect(text).toBe(
      'Could not reach mycompany.amocrm.ru: check the account address and the network.'
    );
    expect(failureText(new NetworkError('DNS error: x'), 'ru', AT)).toBe(
      'Не удалось связаться с mycompany.amocrm.ru: проверьте адрес аккаунта и подключение к сети.'
    );
  });

  it('keeps the client’s sentence for an English run, and says in Russian what happens next', () => {
    expect(failureText(renewing, 'en', { ...AT, during: 'run' })).toBe(renewing.message);
    expect(failureText(renewing, 'ru', { ...AT, during: 'run' })).toBe(
      'Другой запуск скрипта сейчас обновляет доступ к AmoCRM; работа продолжится позже.'
    );
    expect(failureText(unreachable, 'ru', { ...AT, during: 'run' })).toBe(
      'mycompany.amocrm.ru недоступен или занят; скрипт повторит попытку сам.'
    );
  });

  it('never passes on a property name from a setting problem', () => {
    const config = new AmoError({ kind: 'config', message: 'AMO_AUTH_CODE is empty: …' });
    for (const lang of ['en', 'ru'] as const) {
      expect(failureText(config, lang, { ...AT, during: 'run' })).not.toMatch(/AMO_/);
    }
  });

  it('says an explained problem as it is, and an unknown error without its internals', () => {
    expect(failureText(new Explained('Choose another.', 'AMO_STATUS_ID'), 'en', AT)).toBe(
      'Choose another.'
    );
    expect(failureText(new TypeError('x is undefined'), 'en', AT)).toBe(
      'Something went wrong; try again in a minute.'
    );
  });
});
