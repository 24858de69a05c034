// How the AmoCRM client gets its bearer token. Either a long-lived token from the settings, or
// OAuth 2.0: the authorization code is exchanged once, the access token is kept until a minute
// before it expires, and renewals happen inside the script lock after re-reading Properties, so
// two executions never spend the same code or refresh token twice (the refresh token is
// single-use and rotated). Nothing here ever puts a token, secret or code into a message.

import type { CachePort, ClockPort, HttpPort, HttpResponse, KeyValueStore } from '../ports';
import type { LoggerPort, MutexPort } from '../ports';
import { normalizeBaseUrl } from './base-url';
import { AmoError, isObject, parseJson, PlatformError, readProblem, redact } from './errors';
import { pacerFor } from './pacer';
import { AMO_TOKENS_KEY, TokenStore } from './token-store';
import type { StoredTokens } from './token-store';

/** Gives the client its bearer token. */
export interface TokenSource {
  /** The token to send now; throws an AmoError when there is none to be had. */
  accessToken(): string;
  /** AmoCRM refused `rejected` (401): a renewed token, or an AmoError. */
  refresh(rejected: string): string;
  /**
   * Every secret the source has handled (tokens, client secret, auth code), so whatever the
   * client says about an answer that echoes one can be scrubbed.
   */
  secrets?(): Iterable<string>;
}

/** Renew this long before the access token expires. */
const EXPIRY_MARGIN_MS = 60_000;
/** How long to wait for the script lock (the Apps Script examples' value). */
const LOCK_TIMEOUT_MS = 30_000;
/** AmoCRM's access-token lifetime, when an answer does not say. */
const DEFAULT_EXPIRES_IN_S = 86_400;

const CODE_REFUSED =
  "AmoCRM refused the authorization code: it is valid 20 minutes and works once; create a new one in the integration's settings and save it as AMO_AUTH_CODE";
const REFRESH_REFUSED =
  "AmoCRM refused the saved refresh token, so the script has lost its access: create a new authorization code in the integration's settings and save it as AMO_AUTH_CODE";

/** A long-lived token (AMO_LONG_LIVED_TOKEN): no OAuth exchange ever happens. */
export class LongLivedTokenSource implements TokenSource {
  constructor(private readonly token: string) {}

  accessToken(): string {
    return this.token;
  }

  secrets(): Iterable<string> {
    return [this.token];
  }

  /** A long-lived token cannot be renewed: the person has to make a new one. */
  refresh(): string {
    throw new AmoError({
      kind: 'auth',
      status: 401,
      message:
        'AmoCRM refused the long-lived token (AMO_LONG_LIVED_TOKEN): it has expired or was ' +
        "revoked; create a new one in the integration's Keys and scopes tab and save it in the " +
        'script settings',
    });
  }
}

export interface OAuthTokenSourceOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** AMO_AUTH_CODE; may be empty once tokens are stored. */
  authCode: string;
  store: KeyValueStore;
  cache: CachePort;
  mutex: MutexPort;
  http: HttpPort;
  clock: ClockPort;
  logger: LoggerPort;
  /** SHA-256 as hex (Utilities.computeDigest): which code the stored tokens came from. */
  sha256Hex(text: string): string;
}

/** What /oauth2/access_token answers. */
interface TokenAnswer {
  access_token: string;
  refresh_token?: string;
  expires_in: number;
}

/** OAuth 2.0 tokens kept in Script Properties (see token-store.ts). */
export class OAuthTokenSource implements TokenSource {
  private readonly tokens: TokenStore;
  private readonly codeHash: string;
  private readonly baseUrl: string;
  /** Scrubbed from every message. */
  private readonly known = new Set<string>();

  constructor(private readonly options: OAuthTokenSourceOptions) {
    this.baseUrl = normalizeBaseUrl(options.baseUrl);
    this.tokens = new TokenStore(options.store, options.cache);
    this.codeHash = options.authCode ? options.sha256Hex(options.authCode) : '';
    this.known.add(options.clientSecret).add(options.authCode);
  }

  accessToken(): string {
    const stored = this.tokens.read();
    if (stored) this.known.add(stored.access_token).add(stored.refresh_token);
    if (!stored || this.isNewCode(stored)) return this.locked(() => this.obtain(null));
    if (this.isFresh(stored)) return stored.access_token;
    return this.refresh(stored.access_token);
  }

  refresh(rejected: string): string {
    return this.locked(() => this.obtain(rejected));
  }

  secrets(): Iterable<string> {
    return this.known;
  }

  /**
   * Under the lock. Properties are re-read first: another execution may have exchanged the
   * code or rotated the tokens while this one waited, and a refresh token works only once.
   */
  private obtain(rejected: string | null): string {
    const stored = this.tokens.readDurable();
    if (!stored || this.isNewCode(stored)) return this.exchangeCode();
    if (this.isFresh(stored) && stored.access_token !== rejected) return stored.access_token;
    return this.refreshWith(stored);
  }

  private exchangeCode(): string {
    if (!this.options.authCode) {
      throw new AmoError({
        kind: 'config',
        message:
          "AMO_AUTH_CODE is empty: create an authorization code in the AmoCRM integration's " +
          'settings and save it as AMO_AUTH_CODE',
      });
    }
    const answer = this.post(
      { grant_type: 'authorization_code', code: this.options.authCode },
      CODE_REFUSED
    );
    const tokens = this.keep(answer, '', this.codeHash);
    this.options.logger.info('Exchanged the AmoCRM authorization code for tokens');
    return tokens.access_token;
  }

  private refreshWith(stored: StoredTokens): string {
    this.known.add(stored.refresh_token).add(stored.access_token);
    if (!stored.refresh_token) throw new AmoError({ kind: 'auth', message: REFRESH_REFUSED });
    const answer = this.post(
      { grant_type: 'refresh_token', refresh_token: stored.refresh_token },
      REFRESH_REFUSED
    );
    const tokens = this.keep(answer, stored.refresh_token, stored.code_hash);
    this.options.logger.info('Renewed the AmoCRM access token');
    return tokens.access_token;
  }

  /** Saves a grant to Properties before anything else can fail: the old refresh token is spent. */
  private keep(answer: TokenAnswer, previousRefreshToken: string, codeHash: string): StoredTokens {
    const tokens: StoredTokens = {
      access_token: answer.access_token,
      // AmoCRM always rotates it, but an answer without one must not lose the old one.
      refresh_token: answer.refresh_token || previousRefreshToken,
      expires_at: this.options.clock.now() + answer.expires_in * 1000,
      code_hash: codeHash,
    };
    this.known.add(tokens.access_token).add(tokens.refresh_token);
    this.tokens.save(tokens);
    return tokens;
  }

  /** POST /oauth2/access_token (JSON body, as Kommo's recipe sends it). */
  private post(grant: Record<string, string>, refusedMessage: string): TokenAnswer {
    const { clientId, clientSecret, redirectUri, http, clock, cache } = this.options;
    const payload = { client_id: clientId, client_secret: clientSecret, redirect_uri: redirectUri };
    // AmoCRM counts token requests against the same 7-per-second limit as API calls.
    const pacer = pacerFor(http, cache);
    clock.sleep(pacer.delayFor(1, clock.now()));
    let response: HttpResponse;
    try {
      [response] = http.fetchAll([
        {
          url: `${this.baseUrl}/oauth2/access_token`,
          method: 'post',
          headers: { Accept: 'application/json' },
          contentType: 'application/json',
          payload: JSON.stringify({ ...payload, ...grant }),
        },
      ]);
    } catch (e) {
      const reason = this.scrub(e instanceof Error ? e.message : String(e));
      if (e instanceof PlatformError) {
        throw new AmoError({ kind: 'platform', retryable: e.reason === 'quota', message: reason });
      }
      throw new AmoError({
        kind: 'network',
        retryable: true,
        message: `Could not reach AmoCRM to get an access token (${reason}); the work is retried later`,
      });
    } finally {
      pacer.record(1, clock.now());
    }
    return this.readAnswer(response, refusedMessage);
  }

  private readAnswer(response: HttpResponse, refusedMessage: string): TokenAnswer {
    const parsed = parseJson(response.body);
    const body = parsed.ok ? parsed.value : undefined;
    const { status } = response;
    if (status >= 200 && status < 300 && isObject(body) && typeof body.access_token === 'string') {
      return {
        access_token: body.access_token,
        refresh_token: typeof body.refresh_token === 'string' ? body.refresh_token : undefined,
        expires_in: typeof body.expires_in === 'number' ? body.expires_in : DEFAULT_EXPIRES_IN_S,
      };
    }
    const problem = readProblem(body, response.body);
    const hint = problem.hint && this.scrub(problem.hint);
    const detail = problem.detail && this.scrub(problem.detail);
    const said = hint ?? detail;
    if (status === 400 || status === 401) {
      const message = refusedMessage + (said ? ` (AmoCRM: ${said})` : '');
      throw new AmoError({ kind: 'auth', status, hint, detail, message });
    }
    // Anything else is AmoCRM's trouble or its block of the address (403 after too many
    // requests), not the row's and not the grant's: the work is retried on a later run.
    throw new AmoError({
      kind: status === 403 ? 'blocked' : 'http',
      status,
      hint,
      detail,
      retryable: true,
      message: `AmoCRM's token service answered ${status}${said ? ` (${said})` : ''}; the work is retried later`,
    });
  }

  private locked<T>(work: () => T): T {
    if (!this.options.mutex.tryLock(LOCK_TIMEOUT_MS)) {
      throw new AmoError({
        kind: 'auth',
        retryable: true,
        message:
          'Another run of the script is renewing the AmoCRM access right now; this run stops ' +
          'here and the work is retried later',
      });
    }
    try {
      return work();
    } finally {
      this.options.mutex.release();
    }
  }

  private isFresh(tokens: StoredTokens): boolean {
    return tokens.expires_at - EXPIRY_MARGIN_MS > this.options.clock.now();
  }

  /** The person saved a code other than the one the stored tokens came from. */
  private isNewCode(tokens: StoredTokens): boolean {
    return this.codeHash !== '' && tokens.code_hash !== this.codeHash;
  }

  private scrub(text: string): string {
    return redact(text, this.known);
  }
}

/** Everything a token source may need besides the Script Properties. */
export interface TokenSourceDeps {
  store: KeyValueStore;
  cache: CachePort;
  mutex: MutexPort;
  http: HttpPort;
  clock: ClockPort;
  logger: LoggerPort;
  sha256Hex(text: string): string;
}

const OAUTH_PROPERTIES = ['AMO_BASE_URL', 'AMO_CLIENT_ID', 'AMO_CLIENT_SECRET', 'AMO_REDIRECT_URI'];

/**
 * Picks the token source the Script Properties describe: AMO_LONG_LIVED_TOKEN when set, else
 * OAuth. Throws a config AmoError naming what is missing.
 */
export function createTokenSource(
  props: Record<string, string>,
  deps: TokenSourceDeps
): TokenSource {
  const value = (key: string): string => (props[key] ?? '').trim();
  // Every request of this execution (the client's too: same HttpPort) is paced together with
  // the other executions' recent ones, through the script cache.
  pacerFor(deps.http, deps.cache);
  const longLived = value('AMO_LONG_LIVED_TOKEN');
  if (longLived) return new LongLivedTokenSource(longLived);
  const missing = OAUTH_PROPERTIES.filter(key => !value(key));
  const authCode = value('AMO_AUTH_CODE');
  // Once tokens are stored the code has done its job; without them it is needed.
  if (!authCode && deps.store.get(AMO_TOKENS_KEY) === null) missing.push('AMO_AUTH_CODE');
  if (missing.length > 0) {
    const list = missing.join(', ');
    throw new AmoError({
      kind: 'config',
      message:
        `AmoCRM is not set up: the script ${missing.length > 1 ? 'properties' : 'property'} ` +
        `${list} ${missing.length > 1 ? 'are' : 'is'} empty; set AMO_LONG_LIVED_TOKEN, or ` +
        'AMO_BASE_URL, AMO_CLIENT_ID, AMO_CLIENT_SECRET, AMO_REDIRECT_URI and AMO_AUTH_CODE',
    });
  }
  return new OAuthTokenSource({
    ...deps,
    baseUrl: value('AMO_BASE_URL'),
    clientId: value('AMO_CLIENT_ID'),
    clientSecret: value('AMO_CLIENT_SECRET'),
    redirectUri: value('AMO_REDIRECT_URI'),
    authCode,
  });
}
