// Everything one running fake knows, in one object: configuration, the account's data,
// OAuth, the rate limiter, fault rules, the request log, webhooks, and the clock. reset()
// rebuilds it all from the configuration the fake was started with. The HTTP layer reads the
// request clock through here, so "now" has one definition.

import { AccountState } from '../core/account-state';
import { mergeConfig } from '../core/default-data';
import { WriteContext } from '../core/entity-writes';
import { FaultBook } from '../core/faults';
import { OAuthState } from '../core/oauth';
import { RateLimiter } from '../core/rate-limiter';
import { RequestLog } from '../core/request-log';
import type { FakeAmoConfig, FakeAmoConfigPatch } from '../types';
import { WebhookDispatcher } from '../webhooks/dispatcher';
import { WebhookRegistry } from '../webhooks/registry';
import type { WebhookSender } from '../webhooks/sender';

export class FakeWorld {
  config: FakeAmoConfig;
  account!: AccountState;
  oauth!: OAuthState;
  limiter!: RateLimiter;
  faults!: FaultBook;
  log!: RequestLog;
  webhooks!: WebhookRegistry;
  dispatcher!: WebhookDispatcher;
  /** The fake's own base URL (`http://127.0.0.1:PORT`), known once it listens. */
  url = 'http://127.0.0.1';
  private lastClock: number | null = null;

  constructor(
    private initial: FakeAmoConfig,
    private sender: WebhookSender
  ) {
    this.config = clone(initial);
    this.reset();
  }

  reset(): void {
    this.config = clone(this.initial);
    const config = () => this.config;
    this.account = new AccountState(config);
    this.oauth = new OAuthState(config);
    this.limiter = new RateLimiter(this.config.rateLimit);
    this.faults = new FaultBook();
    this.log = new RequestLog();
    this.webhooks = new WebhookRegistry();
    this.dispatcher = new WebhookDispatcher(
      this.webhooks,
      this.sender,
      () => ({ subdomain: this.config.subdomain, id: this.config.accountId, url: this.url }),
      () => this.config.webhookTimeoutMs,
      () => this.config.webhookFollowRedirects
    );
    this.lastClock = null;
  }

  configure(patch: FakeAmoConfigPatch): FakeAmoConfig {
    this.config = mergeConfig(this.config, patch);
    this.limiter.reconfigure(this.config.rateLimit);
    return this.config;
  }

  /** "now" for a request: its own clock, else the last clock seen, else real time. */
  clock(given: unknown): number {
    const value = typeof given === 'string' && given !== '' ? Number(given) : given;
    if (typeof value === 'number' && Number.isFinite(value)) {
      this.lastClock = value;
      return value;
    }
    return this.lastClock ?? Date.now();
  }

  /** A write context at `now` (ms) acting as the API user or the manager. */
  writer(now: number, who: 'api' | 'manager'): WriteContext {
    const userId = who === 'api' ? this.config.userId : this.config.managerUserId;
    return { state: this.account, nowS: Math.floor(now / 1000), userId };
  }
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
