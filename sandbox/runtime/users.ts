// The people behind executions, and what each has consented to. Apps Script runs an
// installable trigger as the account that created it, a web app deployed "execute as me" as
// the deployer, and a menu item, dialog or run-button call as the person at the keyboard
// (guides/triggers/installable: "Installable triggers always run under the account of the
// person who created them"). Consent is granular (concepts/scopes: people may untick single
// scopes), so a user may lack a scope the manifest asks for; a service needing it then throws
// Apps Script's permission error. UrlFetch also has a per-user daily quota (guides/services/
// quotas), whose exhaustion throws "Service invoked too many times for one day: urlfetch.".
//
// Tests drive it through `runtime.users`: `as(email, () => runtime.run(...))`, `withhold`,
// `grant`, `setUrlFetchQuota`.

import { GasException } from './errors';
import type { Execution } from './execution';

const DAY_MS = 24 * 60 * 60 * 1000;
const URLFETCH_SCOPE = 'https://www.googleapis.com/auth/script.external_request';

export interface UserOptions {
  /** The script's owner and web-app deployer. */
  owner: string;
  /** Scopes each user left unticked at consent time. */
  withheldScopes?: Record<string, string[]>;
  /** UrlFetch calls a user may make per day; 0 = unlimited (Apps Script: 20,000 consumer). */
  urlFetchDailyQuota?: number;
}

export class UserDirectory {
  readonly owner: string;
  private keyboard: string;
  private readonly withheld = new Map<string, Set<string>>();
  private readonly ofExecution = new WeakMap<Execution, string>();
  private readonly fetches = new Map<string, number[]>();
  private quota: number;

  constructor(options: UserOptions) {
    this.owner = options.owner;
    this.keyboard = options.owner;
    this.quota = options.urlFetchDailyQuota ?? 0;
    for (const [email, scopes] of Object.entries(options.withheldScopes ?? {})) {
      this.withhold(email, ...scopes);
    }
  }

  /** Who is at the keyboard (menu, dialog, edits, manual runs); the owner by default. */
  get active(): string {
    return this.keyboard;
  }

  /** Runs `fn` with `email` at the keyboard, then puts the previous person back. */
  as<T>(email: string, fn: () => T): T {
    const before = this.keyboard;
    this.keyboard = email;
    try {
      return fn();
    } finally {
      this.keyboard = before;
    }
  }

  withhold(email: string, ...scopes: string[]): void {
    const set = this.withheld.get(email) ?? new Set<string>();
    scopes.forEach(s => set.add(s));
    this.withheld.set(email, set);
  }

  grant(email: string, ...scopes: string[]): void {
    scopes.forEach(s => this.withheld.get(email)?.delete(s));
  }

  hasScope(email: string, scope: string): boolean {
    return !this.withheld.get(email)?.has(scope);
  }

  setUrlFetchQuota(callsPerDay: number): void {
    this.quota = callsPerDay;
  }

  /** Binds an execution to the user it runs as (see the header for the rule). */
  bind(exec: Execution, triggerOwner: string | undefined): void {
    const user = exec.isWebApp ? this.owner : (triggerOwner ?? this.keyboard);
    this.ofExecution.set(exec, user);
  }

  /** The effective user of an execution. */
  userOf(exec: Execution): string {
    return this.ofExecution.get(exec) ?? this.keyboard;
  }

  /**
   * The gate of a service call that needs a scope: Apps Script's permission error when the
   * execution's user withheld it, and the daily quota for UrlFetch (one call per request).
   */
  check(exec: Execution, method: string, scope: string, requests = 1): void {
    const user = this.userOf(exec);
    if (!this.hasScope(user, scope)) {
      throw new GasException(
        `You do not have permission to call ${method}. Required permissions: ${scope}`
      );
    }
    if (scope === URLFETCH_SCOPE && this.quota > 0) this.spendFetches(exec, user, requests);
  }

  private spendFetches(exec: Execution, user: string, requests: number): void {
    const now = exec.state.clock.now();
    const recent = (this.fetches.get(user) ?? []).filter(t => t > now - DAY_MS);
    if (recent.length + requests > this.quota) {
      this.fetches.set(user, recent);
      throw new GasException('Service invoked too many times for one day: urlfetch.');
    }
    for (let i = 0; i < requests; i++) recent.push(now);
    this.fetches.set(user, recent);
  }
}
