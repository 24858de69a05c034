// Where the OAuth tokens live: one JSON value in Script Properties (durable, shared by every
// execution), mirrored in the script cache and in memory, read in that order like
// apps-script-oauth2's Storage_: memory, then cache, then Properties. Writes go to Properties
// first, because a rotated refresh token that only reached the cache would be lost.

import type { CachePort, KeyValueStore } from '../ports';

/** The Script Property that holds the tokens. */
export const AMO_TOKENS_KEY = 'AMO_TOKENS';
const CACHE_KEY = 'amo:tokens';
/** CacheService's maximum. */
const CACHE_TTL_S = 21_600;

/** What the script keeps of an OAuth grant. */
export interface StoredTokens {
  access_token: string;
  refresh_token: string;
  /** Epoch ms at which the access token expires. */
  expires_at: number;
  /** SHA-256 of the authorization code these tokens came from (never the code itself). */
  code_hash: string;
}

/** Memory → cache → Properties reads; Properties-first writes. */
export class TokenStore {
  private memory: StoredTokens | null = null;

  constructor(
    private readonly store: KeyValueStore,
    private readonly cache: CachePort
  ) {}

  /** The tokens as this execution last saw them (cheap). */
  read(): StoredTokens | null {
    if (this.memory) return this.memory;
    const cached = parseTokens(this.cache.get(CACHE_KEY));
    if (cached) return (this.memory = cached);
    return this.readDurable();
  }

  /**
   * The tokens as Properties hold them now, bypassing memory and cache: under the lock,
   * another execution may just have rotated them.
   */
  readDurable(): StoredTokens | null {
    this.memory = parseTokens(this.store.get(AMO_TOKENS_KEY));
    if (this.memory) this.putCache(this.memory);
    return this.memory;
  }

  /** Saves to Properties at once, then to the cache and memory. */
  save(tokens: StoredTokens): void {
    this.store.set(AMO_TOKENS_KEY, JSON.stringify(tokens));
    this.putCache(tokens);
    this.memory = tokens;
  }

  private putCache(tokens: StoredTokens): void {
    try {
      this.cache.put(CACHE_KEY, JSON.stringify(tokens), CACHE_TTL_S);
    } catch {
      // The cache is only a shortcut; Properties already hold the truth.
    }
  }
}

function parseTokens(text: string | null): StoredTokens | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as Partial<StoredTokens>;
    if (typeof value.access_token !== 'string' || typeof value.expires_at !== 'number') return null;
    return {
      access_token: value.access_token,
      refresh_token: typeof value.refresh_token === 'string' ? value.refresh_token : '',
      expires_at: value.expires_at,
      code_hash: typeof value.code_hash === 'string' ? value.code_hash : '',
    };
  } catch {
    return null;
  }
}
