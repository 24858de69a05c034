// doPost's logic: check the URL's secret (constant time) and the sending account, parse
// AmoCRM's form body, and apply the current state of the named leads and contacts to their
// rows. Anything refused changes nothing and says why; anything that cannot be applied
// within AmoCRM's 2-second wait is queued for the background trigger and answered ok.
import { AmoError } from '../amo/errors';
import { parseWebhook, WebhookPayload } from '../webhook/events';
import { secretMatches } from '../webhook/secret';
import { expectedAccount, learnAccount } from './account';
import { buildContext } from './build-context';
import { PROP } from './config';
import type { Ports, SyncContext } from './context';
import { queuePull } from './pending';
import { pull, PullRequest } from './pull';

export interface WebhookRequest {
  secret: string | null;
  body: string;
}

export type WebhookAnswer =
  { ok: true; rows: number; queued: boolean; ignored: number } | { ok: false; error: string };

/** AmoCRM gives up after 2 s; the script answers within about one. */
const AMO_BUDGET_MS = 1200;
const LOCK_WAIT_MS = 300;

export function receiveWebhook(ports: Ports, req: WebhookRequest): WebhookAnswer {
  if (!secretMatches(req.secret, ports.props.get(PROP.webhookSecret))) {
    return refuse('wrong or missing secret');
  }
  const parsed = parseWebhook(req.body);
  if (!parsed.ok) return refuse(parsed.error);
  let ctx: SyncContext;
  try {
    ctx = buildContext(ports, {
      flow: 'webhook',
      amoBudgetMs: AMO_BUDGET_MS,
      workBudgetMs: AMO_BUDGET_MS,
    });
  } catch (e) {
    return refuse(`the integration is not configured: ${message(e)}`);
  }
  const accountError = checkAccount(ctx, parsed.value);
  if (accountError) return refuse(accountError);
  return apply(ctx, toPullRequest(parsed.value));
}

function checkAccount(ctx: SyncContext, payload: WebhookPayload): string | null {
  let expected = expectedAccount(ctx.settings.baseUrl, ctx.props);
  if (!expected) {
    try {
      expected = learnAccount(ctx.amo, ctx.props);
    } catch {
      return 'the account could not be checked: AmoCRM did not answer';
    }
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

function apply(ctx: SyncContext, req: PullRequest): WebhookAnswer {
  const total = req.leadIds.length + req.contactIds.length + req.deletedLeadIds.length;
  if (total === 0) return { ok: true, rows: 0, queued: false, ignored: 0 };
  try {
    const report = pull(ctx, req, LOCK_WAIT_MS);
    if (report.queued)
      ctx.logger.warn('webhook: queued for the background run (the script is busy)');
    return { ok: true, rows: report.rowsChanged, queued: report.queued, ignored: report.ignored };
  } catch (e) {
    if (e instanceof AmoError) return queue(ctx, req, e.message);
    throw e;
  }
}

function queue(ctx: SyncContext, req: PullRequest, reason: string): WebhookAnswer {
  queuePull(ctx.props, ctx.uuid(), req);
  ctx.logger.warn(`webhook: queued for the background run (${reason})`);
  return { ok: true, rows: 0, queued: true, ignored: 0 };
}

function refuse(error: string): WebhookAnswer {
  return { ok: false, error };
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
