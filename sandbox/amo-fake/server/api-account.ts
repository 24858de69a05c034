// The account-level endpoints: GET /api/v4/account, pipelines and their statuses, custom
// field catalogs (list, one, create for leads and contacts) and webhook subscriptions (list,
// subscribe / re-save, unsubscribe). Shapes follow fixtures/account.json, pipeline.json and
// webhooks_list.json.

import { isKnownFieldType, isObject } from '../core/custom-fields';
import { renderAccount, renderField, renderPipeline, renderStatus, link } from '../core/presenters';
import {
  ApiError,
  ApiResponse,
  ItemErrors,
  NO_CONTENT,
  fieldError,
  hal,
  problem,
  validationProblem,
} from '../core/problems';
import { stringsOf } from '../core/bracket-query';
import type { TaggedEntity } from '../types';
import { batchItems, countedPage, planBatch, withList } from './api-common';
import type { FakeWorld } from './fake-world';
import { ApiRequest, requireBody } from './route-table';

export function getAccount(world: FakeWorld, req: ApiRequest): ApiResponse {
  return hal(renderAccount(world.config, req.base, withList(req)));
}

export function listPipelines(world: FakeWorld, req: ApiRequest): ApiResponse {
  const pipelines = world.account.pipelines();
  return hal({
    _total_items: pipelines.length,
    _links: link(`${req.base}/api/v4/leads/pipelines`),
    _embedded: {
      pipelines: pipelines.map(p => renderPipeline(p, world.config.accountId, req.base)),
    },
  });
}

export function getPipeline(world: FakeWorld, req: ApiRequest): ApiResponse {
  const pipeline = world.account.pipeline(req.params.id);
  if (!pipeline) return NO_CONTENT;
  return hal(renderPipeline(pipeline, world.config.accountId, req.base));
}

export function listStatuses(world: FakeWorld, req: ApiRequest): ApiResponse {
  const pipeline = world.account.pipeline(req.params.id);
  if (!pipeline) return NO_CONTENT;
  const render = (s: (typeof pipeline.statuses)[number]) =>
    renderStatus(s, pipeline.id, world.config.accountId, req.base);
  return hal({
    _total_items: pipeline.statuses.length,
    _links: link(`${req.base}/api/v4/leads/pipelines/${pipeline.id}/statuses`),
    _embedded: { statuses: pipeline.statuses.map(render) },
  });
}

export function getStatus(world: FakeWorld, req: ApiRequest): ApiResponse {
  const pipeline = world.account.pipeline(req.params.id);
  const status = pipeline?.statuses.find(s => s.id === req.params.status_id);
  if (!pipeline || !status) return NO_CONTENT;
  return hal(renderStatus(status, pipeline.id, world.config.accountId, req.base));
}

export function listFields(entity: TaggedEntity) {
  return (world: FakeWorld, req: ApiRequest): ApiResponse =>
    countedPage(req, world.account.fieldCatalog(entity).list(), 'custom_fields', def =>
      renderField(def, world.config.accountId, req.base)
    );
}

export function getField(entity: 'leads' | 'contacts') {
  return (world: FakeWorld, req: ApiRequest): ApiResponse => {
    const catalog = entity === 'leads' ? world.account.leadFields : world.account.contactFields;
    const def = catalog.list().find(d => d.id === req.params.id);
    return def ? hal(renderField(def, world.config.accountId, req.base)) : NO_CONTENT;
  };
}

export function addFields(entity: 'leads' | 'contacts') {
  return (world: FakeWorld, req: ApiRequest): ApiResponse => {
    const catalog = entity === 'leads' ? world.account.leadFields : world.account.contactFields;
    const codes = new Set(
      catalog
        .list()
        .map(d => d.code)
        .filter(Boolean)
    );
    const specs = planBatch(batchItems(req, 250), (raw, requestId) => {
      const errors = new ItemErrors(requestId);
      if (typeof raw.name !== 'string' || raw.name.trim() === '')
        errors.add(fieldError.blank('name'));
      if (!isKnownFieldType(raw.type)) errors.add(fieldError.choice('type'));
      const code = typeof raw.code === 'string' && raw.code !== '' ? raw.code.toUpperCase() : null;
      if (code && codes.has(code))
        errors.add({ code: 'NotUnique', path: 'code', detail: 'This value is already used.' });
      if (code) codes.add(code);
      const enums = Array.isArray(raw.enums)
        ? raw.enums.map(e => (isObject(e) ? String(e.value) : String(e)))
        : undefined;
      const spec = { name: String(raw.name), type: String(raw.type), code, enums, requestId };
      return { plan: spec, errors };
    });
    const created = specs.map(spec => ({
      ...renderField(world.account.createField(entity, spec), world.config.accountId, req.base),
      request_id: spec.requestId,
    }));
    return hal({ _total_items: created.length, _embedded: { custom_fields: created } });
  };
}

/** DELETE /api/v4/{entity}/custom_fields/{id} (admin only): 204; the values go too. */
export function deleteField(entity: 'leads' | 'contacts') {
  return (world: FakeWorld, req: ApiRequest): ApiResponse => {
    if (!world.account.deleteField(entity, Number(req.params.id))) {
      throw new ApiError(problem(404, `Custom field ${req.params.id} not found`));
    }
    return NO_CONTENT;
  };
}

export function listWebhooks(world: FakeWorld, req: ApiRequest): ApiResponse {
  const filter = req.query.filter;
  const wanted = typeof filter === 'object' ? stringsOf(filter.destination) : [];
  const hooks = world.webhooks
    .list()
    .filter(h => wanted.length === 0 || wanted.includes(h.destination));
  if (hooks.length === 0) return NO_CONTENT;
  return hal({ _total_items: hooks.length, _embedded: { webhooks: hooks } });
}

export function subscribeWebhook(world: FakeWorld, req: ApiRequest): ApiResponse {
  const body = requireBody(req);
  const errors = new ItemErrors('0');
  const raw = isObject(body) ? body : {};
  const destination = typeof raw.destination === 'string' ? raw.destination : '';
  if (!/^https?:\/\/\S+$/.test(destination)) errors.add(fieldError.blank('destination'));
  const settings = Array.isArray(raw.settings)
    ? raw.settings.filter(s => typeof s === 'string')
    : [];
  if (settings.length === 0) errors.add(fieldError.blank('settings'));
  if (!errors.ok) throw new ApiError(validationProblem([errors.entry()]));
  const { accountId, userId } = world.config;
  const nowS = Math.floor(req.now / 1000);
  return hal(world.webhooks.upsert(destination, settings as string[], nowS, accountId, userId));
}

export function unsubscribeWebhook(world: FakeWorld, req: ApiRequest): ApiResponse {
  const body = requireBody(req);
  const destination = isObject(body) ? body.destination : undefined;
  if (typeof destination !== 'string' || destination === '') {
    throw new ApiError(
      validationProblem([{ request_id: '0', errors: [fieldError.blank('destination')] }])
    );
  }
  world.webhooks.remove(destination);
  return NO_CONTENT;
}
