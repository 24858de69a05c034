// doPost's logic: check the URL's secret (constant time) and the sending account, parse
// AmoCRM's form body, and queue the named leads and contacts for the background run, which
// reads their current state and applies it (src/sync/reconcile.ts). AmoCRM waits 2 seconds
// (Kommo "Webhooks": success is an answer of 100–299 within 2 s) and Apps Script cannot
// answer early, while one UrlFetch already sent may hang for its fixed ~60 s deadline and a
// large sheet takes seconds to read. So doPost makes no AmoCRM request, takes no lock and
// reads no sheet: one read of Script Properties and one write, whatever AmoCRM and the sheet
// do. Anything refused changes nothing and says why.
import { parseWebhook, WebhookPayload } from '../webhook/events';
import { secretMatches } from '../webhook/secret';
import type { KeyValueStore } from '../ports';
import { expectedAccount } from './account';
import { PROP, readSettings } from './config';
import type { Ports } from './context';
import { queuePull } from './pending';
import type { PullRequest } from './pull';
import { learnWebAppUrl, WEB_APP_URL_KEY } from './webhook-url';
import { recordDelivery } from './hook-state';

export interface WebhookRequest {
  secret: string | null;
  body: string;
}

export type WebhookAnswer =
  { ok: true; rows: number; queued: boolean; ignored: number } | { ok: false; error: string };

export function receiveWebhook(ports: Ports, req: WebhookRequest): WebhookAnswer {
  const props = ports.props.getAll();
  if (!secretMatches(req.secret, props[PROP.webhookSecret] ?? null)) {
    return refuse('wrong or missing secret');
  }
  // Inside doPost getUrl() is the deployment's /exec URL: the one worth showing and subscribing.
  learnWebAppUrl(ports.props, ports.triggers, props[WEB_APP_URL_KEY] ?? null);
  const parsed = parseWebhook(req.body);
  if (!parsed.ok) return refuse(parsed.error);
  const settings = readSettings(props);
  if (!settings.ok) return refuse(`the integration is not configured: ${settings.error}`);
  const accountError = checkAccount(settings.settings.baseUrl, snapshot(props), parsed.value);
  if (accountError) return refuse(accountError);
  const pull = toPullRequest(parsed.value);
  const total = pull.leadIds.length + pull.contactIds.length + pull.deletedLeadIds.length;
  recordDelivery(ports.props, ports.clock.now());
  if (total === 0) return { ok: true, rows: 0, queued: false, ignored: 0 };
  queuePull(ports.props, ports.uuid(), pull, Object.keys(props));
  return { ok: true, rows: 0, queued: true, ignored: 0 };
}

/**
 * The account must already be known (from AMO_BASE_URL or remembered by Settings or Install
 * triggers): asking AmoCRM here could outlast AmoCRM's wait. An unknown account is refused;
 * the background run learns it and the reconciliation pull covers what the webhook named.
 */
function checkAccount(
  baseUrl: string,
  props: Pick<KeyValueStore, 'get'>,
  payload: WebhookPayload
): string | null {
  const expected = expectedAccount(baseUrl, props as KeyValueStore);
  if (!expected) {
    return 'the AmoCRM account is not known yet (save the settings or run Install triggers); the change is picked up by the next reconciliation';
  }
  if (payload.account.subdomain !== expected.subdomain)
    return 'the webhook is from another account';
  if (payload.account.id && expected.id && payload.account.id !== expected.id) {
    return 'the webhook is from another account';
  }
  return null;
}

function toPullRequest(payload: WebhookPayload): PullRequest {
  const deleted = payload.leads.filter(l => l.action === 'delete').map(l => l.id);
  return {
    leadIds: payload.leads.filter(l => l.action !== 'delete').map(l => l.id),
    contactIds: payload.contacts
      .filter(c => c.action !== 'delete' && c.type !== 'company')
      .map(c => c.id),
    deletedLeadIds: deleted,
  };
}

/** A read-only view of a properties snapshot. */
function snapshot(props: Record<string, string>): Pick<KeyValueStore, 'get'> {
  return { get: key => props[key] ?? null };
}

function refuse(error: string): WebhookAnswer {
  return { ok: false, error };
}
