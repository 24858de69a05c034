// Token sources against a fake /oauth2/access_token that spends codes and refresh tokens once,
// like AmoCRM: the code is exchanged once, tokens are cached and renewed a minute before they
// expire, a renewal is saved to Properties first, two executions never renew twice, refusals
// read as instructions to a person, and no secret ever reaches a message or a log line.

import { LongLivedTokenSource, OAuthTokenSource, createTokenSource } from '../../src/amo/auth';
import type { TokenSourceDeps } from '../../src/amo/auth';
import { AmoClient } from '../../src/amo/client';
import { getAccount } from '../../src/amo/calls';
import { AmoError } from '../../src/amo/errors';
import { sha256Hex } from '../support/digest';
import { AMO_TOKENS_KEY } from '../../src/amo/token-store';
import type { StoredTokens } from '../../src/amo/token-store';
import type { SeenRequest, StoreOp } from './support/ports-memory';
import {
  FakeHttp,
  FakeMutex,
  ManualClock,
  MapCache,
  MapStore,
  MemoryLogger,
  busiestWindow,
  json,
  networkDown,
} from './support/ports-memory';
import account from './fixtures/account.json';

const BASE = 'https://example.amocrm.ru';
const CLIENT_SECRET = 'client-secret-QWERTY123456';
const CODE = 'def50200-auth-code-AAAA1111';
const CODE_2 = 'def50200-auth-code-BBBB2222';
const DAY_MS = 86_400_000;

/** /oauth2/access_token with single-use codes and refresh tokens. */
class OAuthServer {
  readonly codes = new Set([CODE, CODE_2]);
  readonly refreshTokens = new Set<string>();
  readonly issued: string[] = [];
  omitRefreshToken = false;
  echoSecrets = false;

  handle = (req: SeenRequest) => {
    const b = req.body as Record<string, string>;
    if (b.client_secret !== CLIENT_SECRET)
      return json(401, { status: 401, hint: 'Client authentication failed' });
    const spent = this.echoSecrets ? ` (${b.code ?? b.refresh_token} / ${b.client_secret})` : '';
    if (b.grant_type === 'authorization_code') {
      if (!this.codes.delete(b.code))
        return this.refuse(`Authorization code has been revoked${spent}`);
      return this.issue();
    }
    if (!this.refreshTokens.delete(b.refresh_token))
      return this.refuse(`Invalid refresh token${spent}`);
    return this.issue();
  };

  private refuse(hint: string) {
    return json(400, {
      hint,
      title: 'Некорректный запрос',
      type: 'https://developers.amocrm.ru/v3/errors/OAuthProblemJson',
      status: 400,
      detail: 'В запросе отсутствует ряд параметров или параметры невалидны',
    });
  }

  private issue() {
    const n = this.issued.length + 1;
    const access = `access-token-${n}-eyJ0eXAiOiJKV1Qi`;
    const refresh = `refresh-token-${n}-def50200f4151ec`;
    this.issued.push(access, refresh);
    this.refreshTokens.add(refresh);
    const body: Record<string, unknown> = {
      token_type: 'Bearer',
      expires_in: 86400,
      access_token: access,
    };
    if (!this.omitRefreshToken) body.refresh_token = refresh;
    return json(200, body);
  }
}

function world() {
  const clock = new ManualClock();
  const ops: StoreOp[] = [];
  const store = new MapStore(ops);
  const cache = new MapCache(clock, ops);
  const mutex = new FakeMutex();
  const http = new FakeHttp(clock);
  const logger = new MemoryLogger();
  const server = new OAuthServer();
  http.on('post', '/oauth2/access_token', server.handle);
  const deps: TokenSourceDeps = { store, cache, mutex, http, clock, logger, sha256Hex };
  /** One execution's token source (its own memory), sharing the stores. */
  const execution = (authCode = CODE) =>
    new OAuthTokenSource({
      ...deps,
      baseUrl: BASE,
      clientId: 'client-id-1',
      clientSecret: CLIENT_SECRET,
      redirectUri: 'https://example.com/oauth',
      authCode,
    });
  const tokenPosts = (grant?: string) =>
    http
      .to('/oauth2/access_token')
      .filter(r => !grant || (r.body as { grant_type: string }).grant_type === grant);
  const stored = () => JSON.parse(store.data.get(AMO_TOKENS_KEY) ?? 'null') as StoredTokens | null;
  return {
    clock,
    ops,
    store,
    cache,
    mutex,
    http,
    logger,
    server,
    deps,
    execution,
    tokenPosts,
    stored,
  };
}

function catchAmoError(fn: () => unknown): AmoError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AmoError);
    return e as AmoError;
  }
  throw new Error('expected an AmoError');
}

describe('authorization code', () => {
  test('is exchanged once, then the tokens come from memory, cache or Properties', () => {
    const w = world();
    const first = w.execution();
    const token = first.accessToken();
    expect(first.accessToken()).toBe(token);
    expect(w.execution().accessToken()).toBe(token);
    expect(w.tokenPosts()).toHaveLength(1);
    expect(w.tokenPosts()[0].body).toEqual({
      client_id: 'client-id-1',
      client_secret: CLIENT_SECRET,
      redirect_uri: 'https://example.com/oauth',
      grant_type: 'authorization_code',
      code: CODE,
    });
    expect(w.tokenPosts()[0].contentType).toBe('application/json');
  });

  test('stores a hash of the code, never the code', () => {
    const w = world();
    w.execution().accessToken();
    expect(w.stored()?.code_hash).toBe(sha256Hex(CODE));
    expect(w.store.data.get(AMO_TOKENS_KEY)).not.toContain(CODE);
  });

  test('the cache spares Properties reads in a later execution', () => {
    const w = world();
    w.execution().accessToken();
    const reads = w.store.reads;
    w.execution().accessToken();
    expect(w.store.reads).toBe(reads);
  });

  test('a refused code reads as an instruction to the person, with AmoCRM’s hint', () => {
    const w = world();
    w.server.codes.clear();
    const error = catchAmoError(() => w.execution().accessToken());
    expect(error.kind).toBe('auth');
    expect(error.message).toContain(
      "AmoCRM refused the authorization code: it is valid 20 minutes and works once; create a new one in the integration's settings"
    );
    expect(error.message).toContain('Authorization code has been revoked');
    expect(error.retryable).toBe(false);
    expect(w.stored()).toBeNull();
  });

  test('a new code saved by the person is exchanged again; the same code is not', () => {
    const w = world();
    const before = w.execution().accessToken();
    w.execution(CODE).accessToken();
    expect(w.tokenPosts('authorization_code')).toHaveLength(1);
    const after = w.execution(CODE_2).accessToken();
    expect(after).not.toBe(before);
    expect(w.tokenPosts('authorization_code').map(r => (r.body as { code: string }).code)).toEqual([
      CODE,
      CODE_2,
    ]);
    expect(w.stored()?.code_hash).toBe(sha256Hex(CODE_2));
  });

  test('an empty code is fine once tokens are stored, and a config error before', () => {
    const w = world();
    const error = catchAmoError(() => w.execution('').accessToken());
    expect(error.kind).toBe('config');
    expect(error.message).toContain('AMO_AUTH_CODE');
    const token = w.execution().accessToken();
    expect(w.execution('').accessToken()).toBe(token);
  });

  test('two executions never spend the code twice: the second re-reads under the lock', () => {
    const w = world();
    const a = w.execution();
    const b = w.execution();
    // B finds no tokens, then waits for the lock while A exchanges the code.
    w.mutex.whileWaiting = () => a.accessToken();
    const tokenB = b.accessToken();
    expect(w.tokenPosts()).toHaveLength(1);
    expect(tokenB).toBe(a.accessToken());
  });
});

describe('refresh', () => {
  test('an access token within a minute of expiry is renewed once; the new refresh token is saved first', () => {
    const w = world();
    const old = w.execution().accessToken();
    const oldRefresh = w.stored()?.refresh_token;
    w.clock.advance(DAY_MS - 30_000);
    w.ops.length = 0;
    const source = w.execution();
    const renewed = source.accessToken();
    expect(renewed).not.toBe(old);
    expect(source.accessToken()).toBe(renewed);
    expect(w.tokenPosts('refresh_token')).toHaveLength(1);
    expect(w.tokenPosts('refresh_token')[0].body).toMatchObject({ refresh_token: oldRefresh });
    const saved = w.stored();
    expect(saved?.access_token).toBe(renewed);
    expect(saved?.refresh_token).not.toBe(oldRefresh);
    expect(w.server.refreshTokens.has(saved?.refresh_token ?? '')).toBe(true);
    // Properties before the cache: a crash right after must not lose the rotated token.
    const newRefresh = saved?.refresh_token ?? '';
    const writes = w.ops.filter(o => o.value?.includes(newRefresh));
    expect(writes.map(o => o.target)).toEqual(['props', 'cache']);
    expect(w.mutex.held).toBe(false);
  });

  test('an answer without a refresh token keeps the old one', () => {
    const w = world();
    w.execution().accessToken();
    const oldRefresh = w.stored()?.refresh_token;
    w.server.omitRefreshToken = true;
    w.clock.advance(DAY_MS);
    w.execution().accessToken();
    expect(w.stored()?.refresh_token).toBe(oldRefresh);
  });

  test('two executions: the one with a stale token re-reads under the lock and does not refresh again', () => {
    const w = world();
    const a = w.execution();
    const b = w.execution();
    a.accessToken();
    const stale = b.accessToken();
    w.clock.advance(DAY_MS);
    // B's memory holds the expired token; A renews while B waits for the lock.
    w.mutex.whileWaiting = () => a.accessToken();
    const fresh = b.accessToken();
    expect(fresh).not.toBe(stale);
    expect(fresh).toBe(a.accessToken());
    expect(w.tokenPosts('refresh_token')).toHaveLength(1);
  });

  test('two clients that both get a 401 renew once between them', () => {
    const w = world();
    let valid = '';
    const issue = w.server.handle;
    w.http.on('post', '/oauth2/access_token', req => {
      const res = issue(req);
      if (res.status === 200) valid = JSON.parse(res.body).access_token;
      return res;
    });
    w.http.on('get', '/api/v4/account', req =>
      req.headers.Authorization === `Bearer ${valid}`
        ? json(200, account)
        : json(401, { status: 401 })
    );
    const a = w.execution();
    const b = w.execution();
    const first = a.accessToken();
    expect(b.accessToken()).toBe(first);
    valid = 'none'; // AmoCRM stopped accepting the token both executions hold
    const options = { baseUrl: BASE, http: w.http, clock: w.clock, logger: w.logger };
    expect(new AmoClient({ ...options, tokens: a }).run(getAccount()).id).toBe(1231414);
    expect(new AmoClient({ ...options, tokens: b }).run(getAccount()).id).toBe(1231414);
    expect(w.tokenPosts('refresh_token')).toHaveLength(1);
    expect(
      w.http.to('/api/v4/account').map(r => r.headers.Authorization === `Bearer ${first}`)
    ).toEqual([true, false, true, false]);
  });

  test('a refused refresh token tells the person to make a new code', () => {
    const w = world();
    w.execution().accessToken();
    w.server.refreshTokens.clear();
    w.clock.advance(DAY_MS);
    const error = catchAmoError(() => w.execution('').accessToken());
    expect(error.kind).toBe('auth');
    expect(error.message).toContain('create a new authorization code');
    expect(error.message).toContain('AMO_AUTH_CODE');
    expect(error.message).toContain('Invalid refresh token');
  });

  test('no lock, no refresh: a retryable error and no request', () => {
    const w = world();
    w.execution().accessToken();
    w.clock.advance(DAY_MS);
    w.mutex.heldByOther = true;
    const error = catchAmoError(() => w.execution().accessToken());
    expect(error.retryable).toBe(true);
    expect(w.tokenPosts('refresh_token')).toHaveLength(0);
  });

  test('an unreachable or failing token service is retryable', () => {
    const w = world();
    w.http.on('post', '/oauth2/access_token', () => networkDown());
    expect(catchAmoError(() => w.execution().accessToken())).toMatchObject({
      kind: 'network',
      retryable: true,
    });
    w.http.on('post', '/oauth2/access_token', () => json(503, { status: 503 }));
    expect(catchAmoError(() => w.execution().accessToken())).toMatchObject({
      status: 503,
      retryable: true,
    });
    expect(w.mutex.held).toBe(false);
  });
});

test('token requests and API calls share one rate window', () => {
  const w = world();
  w.http.on('get', '/api/v4/account', () => json(200, account));
  const client = new AmoClient({
    baseUrl: BASE,
    http: w.http,
    clock: w.clock,
    tokens: w.execution(),
    logger: w.logger,
  });
  // The code exchange goes out first, then 7 calls: they may not share its second.
  client.runAll(Array.from({ length: 7 }, () => getAccount()));
  expect(w.tokenPosts()).toHaveLength(1);
  expect(busiestWindow(w.http.requests)).toBeLessThanOrEqual(7);
  expect(w.http.requests).toHaveLength(8);
});

describe('long-lived token and createTokenSource', () => {
  const oauthProps = {
    AMO_BASE_URL: BASE,
    AMO_CLIENT_ID: 'client-id-1',
    AMO_CLIENT_SECRET: CLIENT_SECRET,
    AMO_REDIRECT_URI: 'https://example.com/oauth',
    AMO_AUTH_CODE: CODE,
  };

  test('a long-lived token is the bearer and /oauth2 is never called, even after a 401', () => {
    const w = world();
    const tokens = createTokenSource(
      { ...oauthProps, AMO_LONG_LIVED_TOKEN: ' long-lived-token-XYZ ' },
      w.deps
    );
    expect(tokens).toBeInstanceOf(LongLivedTokenSource);
    w.http.on('get', '/api/v4/account', () => json(401, { status: 401 }));
    const client = new AmoClient({
      baseUrl: BASE,
      http: w.http,
      clock: w.clock,
      tokens,
      logger: w.logger,
    });
    const error = catchAmoError(() => client.run(getAccount()));
    expect(w.http.requests[0].headers.Authorization).toBe('Bearer long-lived-token-XYZ');
    expect(error.message).toContain('Keys and scopes');
    expect(w.tokenPosts()).toHaveLength(0);
  });

  test('OAuth when no long-lived token is set', () => {
    const w = world();
    const tokens = createTokenSource(oauthProps, w.deps);
    expect(tokens).toBeInstanceOf(OAuthTokenSource);
    tokens.accessToken();
    expect(w.tokenPosts('authorization_code')).toHaveLength(1);
  });

  test('a config error names the missing properties', () => {
    const w = world();
    const none = catchAmoError(() => createTokenSource({}, w.deps));
    expect(none.kind).toBe('config');
    for (const key of [
      'AMO_BASE_URL',
      'AMO_CLIENT_ID',
      'AMO_CLIENT_SECRET',
      'AMO_REDIRECT_URI',
      'AMO_AUTH_CODE',
    ]) {
      expect(none.message).toContain(key);
    }
    const one = catchAmoError(() =>
      createTokenSource({ ...oauthProps, AMO_CLIENT_SECRET: ' ' }, w.deps)
    );
    expect(one.message).toContain('the script property AMO_CLIENT_SECRET is empty');
  });

  test('the auth code may be empty once tokens are stored', () => {
    const w = world();
    createTokenSource(oauthProps, w.deps).accessToken();
    expect(() =>
      createTokenSource({ ...oauthProps, AMO_AUTH_CODE: '' }, w.deps).accessToken()
    ).not.toThrow();
  });
});

test('no token, client secret or code appears in any error message or log line', () => {
  const w = world();
  w.server.echoSecrets = true;
  const texts: string[] = [];
  const collect = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      const err = e as AmoError;
      texts.push(err.message, err.detail ?? '', err.hint ?? '');
    }
  };
  const a = w.execution();
  a.accessToken();
  w.server.codes.clear();
  collect(() => w.execution(CODE_2).accessToken()); // refused new code, echoed
  w.server.refreshTokens.clear();
  w.clock.advance(DAY_MS);
  collect(() => w.execution('').accessToken()); // refused refresh token, echoed
  w.http.on('post', '/oauth2/access_token', () => networkDown());
  collect(() => w.execution('').accessToken());
  texts.push(...w.logger.lines);
  expect(texts.filter(Boolean).length).toBeGreaterThanOrEqual(3);
  const secrets = [CLIENT_SECRET, CODE, CODE_2, ...w.server.issued];
  for (const text of texts) for (const secret of secrets) expect(text).not.toContain(secret);
});
