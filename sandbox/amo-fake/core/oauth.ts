// OAuth 2.0 as AmoCRM runs it, on the virtual clock: authorization codes (20 minutes, one
// use), access tokens (expires_in 86400) and rotating refresh tokens. A refresh returns a new
// pair; the refresh token that was spent stays usable only until that new pair is first used
// (so a client that lost the answer can retry), then it is dead for good. Long-lived tokens
// (private integrations) are bearer tokens with no refresh. All times here are ms.

import { createHash, randomBytes } from 'node:crypto';
import type { FakeAmoConfig, TokensSummary } from '../types';

export interface TokenPair {
  token_type: 'Bearer';
  expires_in: number;
  access_token: string;
  refresh_token: string;
}

/** A refused grant: the HTTP status and AmoCRM's `hint`. */
export interface GrantError {
  status: number;
  hint: string;
}

interface AuthCode {
  clientId: string;
  redirectUri: string;
  issuedAt: number;
  used: boolean;
}

interface AccessToken {
  kind: 'oauth' | 'long-lived';
  expiresAt: number;
  revoked: boolean;
  /** The refresh token whose spending produced this pair; it dies when this token is used. */
  parent: string | null;
}

interface RefreshToken {
  expiresAt: number;
  dead: boolean;
  parent: string | null;
}

export type GrantParams = Record<string, string | undefined>;

export class OAuthState {
  private codes = new Map<string, AuthCode>();
  private access = new Map<string, AccessToken>();
  private refresh = new Map<string, RefreshToken>();

  constructor(private config: () => FakeAmoConfig) {}

  issueCode(now: number): string {
    const { clientId, redirectUri } = this.config().integration;
    const code = `def50200${randomBytes(96).toString('hex')}`;
    this.codes.set(code, { clientId, redirectUri, issuedAt: now, used: false });
    return code;
  }

  /** Handles a POST /oauth2/access_token body. */
  grant(params: GrantParams, now: number): TokenPair | GrantError {
    const clientError = this.checkClient(params);
    if (clientError) return clientError;
    if (params.grant_type === 'authorization_code') return this.exchangeCode(params, now);
    if (params.grant_type === 'refresh_token') return this.refreshPair(params, now);
    return { status: 400, hint: 'Check the `grant_type` parameter' };
  }

  /** True when the bearer token is good at `now`; its first use kills its parent refresh token. */
  authenticate(token: string, now: number): boolean {
    const record = this.access.get(token);
    if (!record || record.revoked || now >= record.expiresAt) return false;
    this.killParent(record.parent);
    return true;
  }

  createLongLived(now: number, ttlS: number): string {
    const token = this.jwt(now, ttlS);
    this.access.set(token, {
      kind: 'long-lived',
      expiresAt: now + ttlS * 1000,
      revoked: false,
      parent: null,
    });
    return token;
  }

  /** Makes every OAuth access token expired; refresh tokens stay good. */
  expireAccessTokens(now: number): void {
    for (const record of this.access.values()) {
      if (record.kind === 'oauth') record.expiresAt = Math.min(record.expiresAt, now);
    }
  }

  /** The integration is switched off: every token and code stops working. */
  revokeAll(): void {
    for (const record of this.access.values()) record.revoked = true;
    for (const record of this.refresh.values()) record.dead = true;
    for (const code of this.codes.values()) code.used = true;
  }

  summary(now: number): TokensSummary {
    const codes = [...this.codes.values()];
    const oauth = [...this.access.values()].filter(t => t.kind === 'oauth');
    const longLived = [...this.access.values()].filter(t => t.kind === 'long-lived');
    const refresh = [...this.refresh.values()];
    return {
      authCodes: {
        unused: codes.filter(c => !c.used).length,
        used: codes.filter(c => c.used).length,
      },
      accessTokens: {
        active: oauth.filter(t => !t.revoked && now < t.expiresAt).length,
        expired: oauth.filter(t => !t.revoked && now >= t.expiresAt).length,
        revoked: oauth.filter(t => t.revoked).length,
      },
      refreshTokens: {
        active: refresh.filter(t => !t.dead && now < t.expiresAt).length,
        dead: refresh.filter(t => t.dead || now >= t.expiresAt).length,
      },
      longLivedTokens: {
        active: longLived.filter(t => !t.revoked && now < t.expiresAt).length,
        revoked: longLived.filter(t => t.revoked).length,
      },
    };
  }

  private checkClient(params: GrantParams): GrantError | null {
    for (const name of ['client_id', 'client_secret', 'grant_type', 'redirect_uri']) {
      if (!params[name]) return { status: 400, hint: `Check the \`${name}\` parameter` };
    }
    const { clientId, clientSecret } = this.config().integration;
    if (params.client_id !== clientId || params.client_secret !== clientSecret) {
      return { status: 401, hint: 'Client authentication failed' };
    }
    return null;
  }

  private exchangeCode(params: GrantParams, now: number): TokenPair | GrantError {
    const code = params.code ? this.codes.get(params.code) : undefined;
    if (!code) return { status: 400, hint: 'Cannot decrypt the authorization code' };
    if (code.used) return { status: 400, hint: 'Authorization code has been revoked' };
    if (now >= code.issuedAt + this.config().authCodeTtlS * 1000) {
      return { status: 400, hint: 'Authorization code has expired' };
    }
    if (code.clientId !== params.client_id) {
      return { status: 400, hint: 'Authorization code was not issued to this client' };
    }
    if (code.redirectUri !== params.redirect_uri) {
      return { status: 400, hint: 'Invalid redirect URI' };
    }
    code.used = true;
    return this.issuePair(now, null);
  }

  private refreshPair(params: GrantParams, now: number): TokenPair | GrantError {
    const token = params.refresh_token ?? '';
    const record = this.refresh.get(token);
    if (!record || record.dead || now >= record.expiresAt) {
      return { status: 400, hint: 'Invalid refresh token' };
    }
    // Spending this token is its first use: the pair it came with is now superseded.
    this.killParent(record.parent);
    return this.issuePair(now, token);
  }

  private issuePair(now: number, parent: string | null): TokenPair {
    const { accessTokenTtlS, refreshTokenTtlS } = this.config();
    const accessToken = this.jwt(now, accessTokenTtlS);
    const refreshToken = `def50200${randomBytes(160).toString('hex')}`;
    this.access.set(accessToken, {
      kind: 'oauth',
      expiresAt: now + accessTokenTtlS * 1000,
      revoked: false,
      parent,
    });
    this.refresh.set(refreshToken, {
      expiresAt: now + refreshTokenTtlS * 1000,
      dead: false,
      parent,
    });
    return {
      token_type: 'Bearer',
      expires_in: accessTokenTtlS,
      access_token: accessToken,
      refresh_token: refreshToken,
    };
  }

  private killParent(parent: string | null): void {
    const record = parent ? this.refresh.get(parent) : undefined;
    if (record) record.dead = true;
  }

  /** A JWT-looking token carrying AmoCRM's claims; the signature is only a hash. */
  private jwt(now: number, ttlS: number): string {
    const config = this.config();
    const iat = Math.floor(now / 1000);
    const header = { typ: 'JWT', alg: 'RS256', jti: randomBytes(20).toString('hex') };
    const payload = {
      aud: config.integration.clientId,
      jti: header.jti,
      iat,
      nbf: iat,
      exp: iat + ttlS,
      sub: String(config.userId),
      account_id: config.accountId,
      base_domain: 'amocrm.ru',
      scopes: ['push_notifications', 'files', 'crm', 'notifications'],
    };
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${part(header)}.${part(payload)}`;
    const signature = createHash('sha256').update(unsigned).digest('base64url');
    return `${unsigned}.${signature}`;
  }
}
