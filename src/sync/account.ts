// Which AmoCRM account this script belongs to (subdomain and id), to refuse webhooks from any
// other account. Read from AMO_BASE_URL when it is an AmoCRM/Kommo address, else learned from
// /api/v4/account once and remembered in Script Properties.
import { getAccount } from '../amo/calls';
import type { AmoRunner } from '../amo/client';
import type { KeyValueStore } from '../ports';
import { subdomainFromBaseUrl } from '../webhook/account';
import { STATE } from './config';

export interface AccountIdentity {
  subdomain: string;
  id: string | null;
}

export function storedAccount(props: KeyValueStore): AccountIdentity | null {
  try {
    const raw = JSON.parse(props.get(STATE.account) ?? 'null') as AccountIdentity | null;
    return raw && typeof raw.subdomain === 'string' ? raw : null;
  } catch {
    return null;
  }
}

/** Asks AmoCRM and remembers the answer; returns the account's name for the settings dialog. */
export function learnAccount(
  amo: AmoRunner,
  props: KeyValueStore
): AccountIdentity & { name: string } {
  const account = amo.run(getAccount());
  const identity = { subdomain: account.subdomain.toLowerCase(), id: String(account.id) };
  props.set(STATE.account, JSON.stringify(identity));
  return { ...identity, name: account.name };
}

/** The expected account, without a request when the base URL or the store already tell. */
export function expectedAccount(baseUrl: string, props: KeyValueStore): AccountIdentity | null {
  const stored = storedAccount(props);
  const fromUrl = subdomainFromBaseUrl(baseUrl);
  if (fromUrl) return { subdomain: fromUrl, id: stored?.subdomain === fromUrl ? stored.id : null };
  return stored;
}
