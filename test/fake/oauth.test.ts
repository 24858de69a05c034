// OAuth over real HTTP: the authorization code works once and only for 20 minutes of the
// request clock, refresh tokens rotate (the old one dies when the new pair is used), access
// tokens expire, revocation and long-lived tokens, and AmoCRM's error bodies.

import type { FakeAmoHandle } from '../../sandbox/amo-fake';
import { AmoCaller, T0, startTestFake } from './fake-helpers';

const integration = {
  clientId: 'client-1',
  clientSecret: 'secret-1',
  redirectUri: 'https://script.google.com/macros/d/x/usercallback',
};
const MINUTE = 60_000;

describe('fake AmoCRM OAuth', () => {
  let fake: FakeAmoHandle;
  let api: AmoCaller;

  beforeAll(async () => {
    fake = await startTestFake();
  });
  afterAll(() => fake.stop());
  beforeEach(async () => {
    await fake.admin.reset();
    api = new AmoCaller(fake.url);
  });

  const exchange = (code: string) =>
    api.post('/oauth2/access_token', {
      client_id: integration.clientId,
      client_secret: integration.clientSecret,
      grant_type: 'authorization_code',
      code,
      redirect_uri: integration.redirectUri,
    });

  const refresh = (refreshToken: string) =>
    api.post('/oauth2/access_token', {
      client_id: integration.clientId,
      client_secret: integration.clientSecret,
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      redirect_uri: integration.redirectUri,
    });

  const account = (token: string) => {
    api.token = token;
    return api.get('/api/v4/account');
  };

  it('exchanges an auth code once, in fixtures/oauth_token.json shape', async () => {
    const code = await fake.admin.issueAuthCode({ ...integration, now: T0 });
    const first = await exchange(code);
    expect(first.status).toBe(200);
    expect(Object.keys(first.json)).toEqual([
      'token_type',
      'expires_in',
      'access_token',
      'refresh_token',
    ]);
    expect(first.json).toMatchObject({ token_type: 'Bearer', expires_in: 86400 });
    expect((await account(first.json.access_token)).status).toBe(200);

    const second = await exchange(code);
    expect(second.status).toBe(400);
    expect(second.headers.get('content-type')).toBe('application/problem+json');
    expect(second.json).toEqual({
      hint: 'Authorization code has been revoked',
      title: 'Некорректный запрос',
      type: 'https://developers.amocrm.ru/v3/errors/OAuthProblemJson',
      status: 400,
      detail: 'В запросе отсутствует ряд параметров или параметры невалидны',
    });
  });

  it('refuses an auth code after 20 minutes on the clock, and unknown codes', async () => {
    const code = await fake.admin.issueAuthCode({ ...integration, now: T0 });
    api.clock = T0 + 20 * MINUTE;
    expect((await exchange(code)).json.hint).toBe('Authorization code has expired');
    expect((await exchange('def50200nonsense')).json.hint).toBe(
      'Cannot decrypt the authorization code'
    );
  });

  it('accepts a form-encoded body and checks the client', async () => {
    const code = await fake.admin.issueAuthCode({ ...integration, now: T0 });
    const form = new URLSearchParams({
      client_id: integration.clientId,
      client_secret: 'wrong',
      grant_type: 'authorization_code',
      code,
      redirect_uri: integration.redirectUri,
    });
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    const bad = await api.call('POST', '/oauth2/access_token', form.toString(), { headers });
    expect(bad.status).toBe(401);
    form.set('client_secret', integration.clientSecret);
    const good = await api.call('POST', '/oauth2/access_token', form.toString(), { headers });
    expect(good.status).toBe(200);
  });

  it('rotates refresh tokens: the old one works until the new pair is used, then dies', async () => {
    const first = (await exchange(await fake.admin.issueAuthCode({ ...integration, now: T0 })))
      .json;
    const second = (await refresh(first.refresh_token)).json;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);

    // The answer "got lost": the old refresh token still works while the new pair is unused.
    const retry = await refresh(first.refresh_token);
    expect(retry.status).toBe(200);

    expect((await account(retry.json.access_token)).status).toBe(200);
    const dead = await refresh(first.refresh_token);
    expect(dead.status).toBe(400);
    expect(dead.json.hint).toBe('Invalid refresh token');
    expect((await refresh(retry.json.refresh_token)).status).toBe(200);
  });

  it('kills the old refresh token when the new refresh token is spent', async () => {
    const first = (await exchange(await fake.admin.issueAuthCode({ ...integration, now: T0 })))
      .json;
    const second = (await refresh(first.refresh_token)).json;
    expect((await refresh(second.refresh_token)).status).toBe(200);
    expect((await refresh(first.refresh_token)).status).toBe(400);
  });

  it('answers 401 for an expired, unknown, missing or revoked token', async () => {
    const pair = (await exchange(await fake.admin.issueAuthCode({ ...integration, now: T0 }))).json;
    api.clock = T0 + 86_400_000 - 1;
    expect((await account(pair.access_token)).status).toBe(200);
    api.clock = T0 + 86_400_000;
    const expired = await account(pair.access_token);
    expect(expired.status).toBe(401);
    expect(expired.json).toEqual({
      title: 'Unauthorized',
      type: 'https://httpstatus.es/401',
      status: 401,
      detail: 'Invalid user name or password',
    });
    expect((await account('nonsense')).status).toBe(401);
    api.token = null;
    expect((await api.get('/api/v4/account')).status).toBe(401);

    const renewed = (await refresh(pair.refresh_token)).json;
    expect((await account(renewed.access_token)).status).toBe(200);
    await fake.admin.revokeTokens();
    expect((await account(renewed.access_token)).status).toBe(401);
    expect((await refresh(renewed.refresh_token)).status).toBe(400);
  });

  it('expires access tokens on demand; the refresh token still works', async () => {
    const pair = (await exchange(await fake.admin.issueAuthCode({ ...integration, now: T0 }))).json;
    await fake.admin.expireAccessTokens(T0);
    expect((await account(pair.access_token)).status).toBe(401);
    expect((await refresh(pair.refresh_token)).status).toBe(200);
    const state = await fake.admin.state();
    expect(state.tokens.accessTokens.expired).toBe(1);
  });

  it('accepts a long-lived token as bearer', async () => {
    const token = await fake.admin.createLongLivedToken({ now: T0 });
    const answer = await account(token);
    expect(answer.status).toBe(200);
    expect(answer.json._links.self.href).toBe(`${fake.url}/api/v4/account`);
    expect(answer.json).toMatchObject({ subdomain: 'example', id: 31234567 });
  });
});
