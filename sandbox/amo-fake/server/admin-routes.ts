// The control surface under /__fake/: reset, configure, seed, OAuth helpers, state and
// request-log reads, fault rules, the manager's actions (each answering only after its
// webhooks were delivered), and webhook controls. Plain JSON in and out, usable with curl;
// admin traffic is never rate-limited, fault-injected or logged.

import { isObject } from '../core/custom-fields';
import {
  ActionOutcome,
  createLead,
  deleteLead,
  editContact,
  editLead,
  renameLead,
  setCustomField,
  setLeadPrice,
  setLeadStatus,
  setResponsible,
} from '../core/manager-actions';
import {
  DEAL_COMPANIES,
  DEAL_CONTACT_FIELDS,
  DEAL_LEAD_FIELDS,
  fieldsByType,
} from '../core/deal-account';
import { DEAL_PIPELINES } from '../core/default-data';
import { ApiError, ApiResponse, problem } from '../core/problems';
import { seedAccount } from '../core/seed';
import type { DealAccount, FakeAmoState, FaultRule, ManagerResult, SeedInput } from '../types';
import { FORM_CONTENT_TYPE } from '../webhooks/dispatcher';
import type { FakeWorld } from './fake-world';
import { ApiRequest, Route, route } from './route-table';

const FIVE_YEARS_S = 5 * 365 * 86400;

const json = (body: unknown, status = 200): ApiResponse => ({
  status,
  body: body === undefined ? null : body,
  contentType: 'application/json',
});

const input = (req: ApiRequest): Record<string, unknown> => (isObject(req.body) ? req.body : {});

function state(world: FakeWorld, req: ApiRequest): FakeAmoState {
  return {
    config: world.config,
    clock: req.now,
    leads: [...world.account.leads.values()],
    contacts: [...world.account.contacts.values()],
    companies: [...world.account.companies.values()],
    leadFields: world.account.leadFields.list(),
    contactFields: world.account.contactFields.list(),
    webhooks: world.webhooks.list(),
    tokens: world.oauth.summary(req.now),
    pendingRetries: world.webhooks.pendingRetries(),
    webhookDeliveryEnabled: world.webhooks.deliveryEnabled,
  };
}

type Action<I> = (ctx: ReturnType<FakeWorld['writer']>, input: I) => ActionOutcome;

/** A manager action: change the account, then deliver its webhooks and report them. */
function manager<I>(action: Action<I>) {
  return async (world: FakeWorld, req: ApiRequest): Promise<ApiResponse> => {
    const outcome = action(world.writer(req.now, 'manager'), input(req) as I);
    const deliveries = await world.dispatcher.deliverEvents(outcome.events, req.now);
    const result: ManagerResult = {
      deliveries,
      leadId: outcome.leadId,
      contactId: outcome.contactId,
    };
    return json(result);
  };
}

function issueAuthCode(world: FakeWorld, req: ApiRequest): ApiResponse {
  const { clientId, clientSecret, redirectUri } = input(req);
  const integration = {
    ...(typeof clientId === 'string' ? { clientId } : {}),
    ...(typeof clientSecret === 'string' ? { clientSecret } : {}),
    ...(typeof redirectUri === 'string' ? { redirectUri } : {}),
  };
  world.configure({ integration });
  return json({ code: world.oauth.issueCode(req.now) });
}

function longLivedToken(world: FakeWorld, req: ApiRequest): ApiResponse {
  const ttl = input(req).ttlS;
  return json({
    token: world.oauth.createLongLived(req.now, typeof ttl === 'number' ? ttl : FIVE_YEARS_S),
  });
}

function entity(kind: 'lead' | 'contact') {
  return (world: FakeWorld, req: ApiRequest): ApiResponse => {
    const map = kind === 'lead' ? world.account.leads : world.account.contacts;
    return json(map.get(req.params.id) ?? null);
  };
}

function addWebhook(world: FakeWorld, req: ApiRequest): ApiResponse {
  const { destination, settings } = input(req);
  if (typeof destination !== 'string' || !Array.isArray(settings)) {
    throw new ApiError(problem(400, 'destination and settings are required'));
  }
  const nowS = Math.floor(req.now / 1000);
  const { accountId, userId } = world.config;
  return json(world.webhooks.upsert(destination, settings.map(String), nowS, accountId, userId));
}

/**
 * The issue-15 account on top of the current one: every pipeline of DEAL_PIPELINES, lead and
 * contact fields of every type, and companies. Users are already in the configuration.
 */
function seedDealAccount(world: FakeWorld, req: ApiRequest): ApiResponse {
  world.configure({ pipelines: DEAL_PIPELINES });
  const seeded = seedAccount(world.writer(req.now, 'api'), {
    leadFields: DEAL_LEAD_FIELDS,
    contactFields: DEAL_CONTACT_FIELDS,
    companies: DEAL_COMPANIES.map(name => ({ name })),
  });
  const result: DealAccount = {
    leadFields: fieldsByType(world.account.leadFields, seeded.leadFieldIds),
    contactFields: fieldsByType(world.account.contactFields, seeded.contactFieldIds),
    pipelineIds: DEAL_PIPELINES.map(p => p.id),
    companyIds: seeded.companyIds,
    userIds: world.config.users.map(u => u.id),
  };
  return json(result);
}

/** An admin adds an option to a select-like field; 404 when there is no such field. */
function addFieldOption(world: FakeWorld, req: ApiRequest): ApiResponse {
  const { entity, fieldId, value } = input(req);
  const kind = entity === 'contacts' ? 'contacts' : 'leads';
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ApiError(problem(400, 'value is required'));
  }
  try {
    return json(world.account.addFieldOption(kind, Number(fieldId), value));
  } catch {
    throw new ApiError(problem(404, `No ${kind} field ${String(fieldId)} with options`));
  }
}

/** An admin tidies the account's fields: the field and its values on every record go. */
function deleteFieldAsManager(world: FakeWorld, req: ApiRequest): ApiResponse {
  const { entity, fieldId } = input(req);
  const kind = entity === 'contacts' ? 'contacts' : 'leads';
  if (!world.account.deleteField(kind, Number(fieldId))) {
    throw new ApiError(problem(404, `No ${kind} custom field ${String(fieldId)}`));
  }
  return json({ ok: true });
}

function setWebhookDisabled(world: FakeWorld, req: ApiRequest): ApiResponse {
  const { destination, disabled } = input(req);
  const hook = world.webhooks.setDisabled(String(destination), disabled === true);
  if (!hook) throw new ApiError(problem(404, `No webhook for ${String(destination)}`));
  return json(hook);
}

async function deliverRaw(world: FakeWorld, req: ApiRequest): Promise<ApiResponse> {
  const { body, contentType } = input(req);
  const type = typeof contentType === 'string' ? contentType : FORM_CONTENT_TYPE;
  return json(await world.dispatcher.deliverRaw(String(body ?? ''), type, req.now));
}

export const ADMIN_ROUTES: Route[] = [
  route('GET', '/__fake/health', () => json({ ok: true })),
  route('POST', '/__fake/reset', world => (world.reset(), json({ ok: true }))),
  route('POST', '/__fake/configure', (world, req) => json(world.configure(input(req)))),
  route('POST', '/__fake/seed', (world, req) =>
    json(seedAccount(world.writer(req.now, 'api'), input(req) as SeedInput))
  ),
  route('POST', '/__fake/seed/deal-account', seedDealAccount),
  route('POST', '/__fake/oauth/auth-code', issueAuthCode),
  route('POST', '/__fake/oauth/long-lived-token', longLivedToken),
  route('POST', '/__fake/oauth/expire-access-tokens', (world, req) =>
    json((world.oauth.expireAccessTokens(req.now), { ok: true }))
  ),
  route('POST', '/__fake/oauth/revoke', world => json((world.oauth.revokeAll(), { ok: true }))),
  route('GET', '/__fake/state', (world, req) => json(state(world, req))),
  route('GET', '/__fake/leads/{id}', entity('lead')),
  route('GET', '/__fake/contacts/{id}', entity('contact')),
  route('GET', '/__fake/requests', world => json(world.log.list())),
  route('GET', '/__fake/events', world => json(world.account.events.list())),
  route('GET', '/__fake/requests/counts', world => json(world.log.counts())),
  route('DELETE', '/__fake/requests', world => json((world.log.reset(), { ok: true }))),
  route('GET', '/__fake/faults', world => json(world.faults.list())),
  route('POST', '/__fake/faults', (world, req) =>
    json(world.faults.add(input(req) as unknown as FaultRule))
  ),
  route('DELETE', '/__fake/faults', world => json((world.faults.clear(), { ok: true }))),
  route('GET', '/__fake/rate-limit', world => json(world.limiter.stats())),
  route('POST', '/__fake/manager/set-lead-status', manager(setLeadStatus)),
  route('POST', '/__fake/manager/set-lead-price', manager(setLeadPrice)),
  route('POST', '/__fake/manager/rename-lead', manager(renameLead)),
  route('POST', '/__fake/manager/delete-lead', manager(deleteLead)),
  route('POST', '/__fake/manager/edit-contact', manager(editContact)),
  route('POST', '/__fake/manager/create-lead', manager(createLead)),
  route('POST', '/__fake/manager/set-responsible', manager(setResponsible)),
  route('POST', '/__fake/manager/edit-lead', manager(editLead)),
  route('POST', '/__fake/manager/delete-field', deleteFieldAsManager),
  route('POST', '/__fake/manager/add-field-option', addFieldOption),
  route('POST', '/__fake/manager/set-custom-field', manager(setCustomField)),
  route('POST', '/__fake/webhooks', addWebhook),
  route('POST', '/__fake/webhooks/disabled', setWebhookDisabled),
  route('POST', '/__fake/webhooks/delivery', (world, req) => {
    world.webhooks.deliveryEnabled = input(req).enabled !== false;
    if (!world.webhooks.deliveryEnabled) world.dispatcher.clearPending();
    return json({ enabled: world.webhooks.deliveryEnabled });
  }),
  route('POST', '/__fake/webhooks/raw', deliverRaw),
  route('POST', '/__fake/webhooks/retries', async (world, req) =>
    json(await world.dispatcher.deliverDueRetries(req.now))
  ),
  route('POST', '/__fake/webhooks/pending', async (world, req) =>
    json(await world.dispatcher.deliverPending(req.now))
  ),
  route('GET', '/__fake/webhooks/deliveries', world => json(world.webhooks.deliveries())),
];
