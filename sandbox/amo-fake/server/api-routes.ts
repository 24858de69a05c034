// The route table of the AmoCRM surface: OAuth's token endpoint and every /api/v4 path the
// fake answers. Order matters only for readability: templates with `{id}` match digits only.

import { ApiResponse, problem } from '../core/problems';
import type { GrantParams } from '../core/oauth';
import {
  addFields,
  deleteField,
  getAccount,
  getField,
  getPipeline,
  getStatus,
  listFields,
  listPipelines,
  listStatuses,
  listWebhooks,
  subscribeWebhook,
  unsubscribeWebhook,
} from './api-account';
import { contactRoutes } from './api-contacts';
import { addComplex, addLeads, getLead, listLeads, updateLead, updateLeads } from './api-leads';
import { companyRoutes } from './api-companies';
import { listEvents } from './api-events';
import { linkHandler } from './api-links';
import { addTags, listTags } from './api-tags';
import { getUser, listUsers } from './api-users';
import type { FakeWorld } from './fake-world';
import { ApiRequest, Route, route, type Handler } from './route-table';

const OAUTH_PROBLEM = 'https://developers.amocrm.ru/v3/errors/OAuthProblemJson';

/** POST /oauth2/access_token (JSON or form body). */
function accessToken(world: FakeWorld, req: ApiRequest): ApiResponse {
  const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as GrantParams;
  const result = world.oauth.grant(body, req.now);
  if ('access_token' in result)
    return { status: 200, body: result, contentType: 'application/json' };
  const answer = {
    hint: result.hint,
    title: 'Некорректный запрос',
    type: OAUTH_PROBLEM,
    status: result.status,
    detail: 'В запросе отсутствует ряд параметров или параметры невалидны',
  };
  return { status: result.status, body: answer, contentType: 'application/problem+json' };
}

export const API_ROUTES: Route[] = [
  route('POST', '/oauth2/access_token', accessToken),
  route('GET', '/api/v4/account', getAccount),
  route('GET', '/api/v4/leads/pipelines', listPipelines),
  route('GET', '/api/v4/leads/pipelines/{id}', getPipeline),
  route('GET', '/api/v4/leads/pipelines/{id}/statuses', listStatuses),
  route('GET', '/api/v4/leads/pipelines/{id}/statuses/{status_id}', getStatus),
  route('GET', '/api/v4/leads/custom_fields', listFields('leads')),
  route('POST', '/api/v4/leads/custom_fields', adminOnly(addFields('leads'))),
  route('GET', '/api/v4/leads/custom_fields/{id}', getField('leads')),
  route('DELETE', '/api/v4/leads/custom_fields/{id}', adminOnly(deleteField('leads'))),
  route('GET', '/api/v4/contacts/custom_fields', listFields('contacts')),
  route('POST', '/api/v4/contacts/custom_fields', adminOnly(addFields('contacts'))),
  route('GET', '/api/v4/contacts/custom_fields/{id}', getField('contacts')),
  route('DELETE', '/api/v4/contacts/custom_fields/{id}', adminOnly(deleteField('contacts'))),
  route('GET', '/api/v4/companies/custom_fields', listFields('companies')),
  route('GET', '/api/v4/leads/tags', listTags('leads')),
  route('POST', '/api/v4/leads/tags', addTags('leads')),
  route('GET', '/api/v4/contacts/tags', listTags('contacts')),
  route('POST', '/api/v4/contacts/tags', addTags('contacts')),
  route('GET', '/api/v4/companies/tags', listTags('companies')),
  route('POST', '/api/v4/companies/tags', addTags('companies')),
  route('GET', '/api/v4/leads', listLeads),
  route('POST', '/api/v4/leads', addLeads),
  route('PATCH', '/api/v4/leads', updateLeads),
  route('POST', '/api/v4/leads/complex', addComplex),
  route('POST', '/api/v4/leads/link', linkHandler('leads', 'link')),
  route('POST', '/api/v4/leads/unlink', linkHandler('leads', 'unlink')),
  route('GET', '/api/v4/leads/{id}', getLead),
  route('PATCH', '/api/v4/leads/{id}', updateLead),
  route('POST', '/api/v4/leads/{id}/link', linkHandler('leads', 'link')),
  route('POST', '/api/v4/leads/{id}/unlink', linkHandler('leads', 'unlink')),
  route('GET', '/api/v4/contacts', contactRoutes.list),
  route('POST', '/api/v4/contacts', contactRoutes.add),
  route('PATCH', '/api/v4/contacts', contactRoutes.updateMany),
  route('POST', '/api/v4/contacts/link', linkHandler('contacts', 'link')),
  route('POST', '/api/v4/contacts/unlink', linkHandler('contacts', 'unlink')),
  route('GET', '/api/v4/contacts/{id}', contactRoutes.get),
  route('PATCH', '/api/v4/contacts/{id}', contactRoutes.updateOne),
  route('POST', '/api/v4/contacts/{id}/link', linkHandler('contacts', 'link')),
  route('POST', '/api/v4/contacts/{id}/unlink', linkHandler('contacts', 'unlink')),
  route('GET', '/api/v4/companies', companyRoutes.list),
  route('POST', '/api/v4/companies', companyRoutes.add),
  route('PATCH', '/api/v4/companies', companyRoutes.updateMany),
  route('GET', '/api/v4/companies/{id}', companyRoutes.get),
  route('PATCH', '/api/v4/companies/{id}', companyRoutes.updateOne),
  route('GET', '/api/v4/events', listEvents),
  route('GET', '/api/v4/users', adminOnly(listUsers)),
  route('GET', '/api/v4/users/{id}', adminOnly(getUser)),
  route('GET', '/api/v4/webhooks', adminOnly(listWebhooks)),
  route('POST', '/api/v4/webhooks', adminOnly(subscribeWebhook)),
  route('DELETE', '/api/v4/webhooks', adminOnly(unsubscribeWebhook)),
];

/**
 * Methods "available for administrator users only" (Kommo: add and delete custom fields;
 * amoCRM Webhooks API: «Метод доступен с правами администратора аккаунта»; amoCRM users API:
 * «Метод доступен только с правами администратора аккаунта»). A non-admin token
 * gets 403 in AmoCRM's problem+json shape; the detail wording for this case is not documented.
 */
function adminOnly(handler: Handler): Handler {
  return (world, req) =>
    world.config.apiUserIsAdmin ? handler(world, req) : problem(403, ADMIN_ONLY_DETAIL);
}

export const ADMIN_ONLY_DETAIL = 'Access denied: the method is available for administrators only';

/** 401 unless the bearer token is good at the request clock. */
export function checkBearer(world: FakeWorld, req: ApiRequest): ApiResponse | null {
  const header = req.headers.authorization;
  const value = Array.isArray(header) ? header[0] : header;
  const token = /^Bearer\s+(\S+)$/i.exec(value ?? '')?.[1];
  if (token && world.oauth.authenticate(token, req.now)) return null;
  return problem(401, 'Invalid user name or password');
}
