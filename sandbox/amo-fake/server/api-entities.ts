// The routes contacts and companies share (amoCRM "Контакты" and "Компании" differ only in their
// fields and links): list with `query`, filters, order, paging, `with=leads` and 204 when
// empty; one record; batch add; batch and single update. Each entity kind says how to find,
// plan, apply and render its records, and which webhooks a change sends.

import type { WriteContext } from '../core/entity-writes';
import type { ItemErrors } from '../core/problems';
import { pageParams, paginate, selectEntities } from '../core/listing';
import { link } from '../core/presenters';
import {
  ApiError,
  ApiResponse,
  NO_CONTENT,
  fieldError,
  hal,
  validationProblem,
} from '../core/problems';
import type { CompanyRecord, ContactRecord, LeadRecord } from '../types';
import { apiWriter, batchItems, pageLinks, pageQuery, planBatch, withList } from './api-common';
import type { FakeWorld } from './fake-world';
import { ApiRequest, requireBody } from './route-table';

const MAX_BATCH = 250;

type Stored = ContactRecord | CompanyRecord;

export interface EntityKind<R extends Stored, P extends { requestId: string }> {
  path: 'contacts' | 'companies';
  all(world: FakeWorld): Iterable<R>;
  live(world: FakeWorld, id: number): R | undefined;
  searchText(record: R): string[];
  leadsOf(world: FakeWorld, record: R): LeadRecord[];
  render(record: R, base: string, leads: LeadRecord[] | null, selfQuery?: string): unknown;
  plan(
    raw: Record<string, unknown>,
    requestId: string,
    world: FakeWorld
  ): { plan: P; errors: ItemErrors };
  create(ctx: WriteContext): R;
  apply(plan: P, record: R, ctx: WriteContext): void;
  /** What else an add answer item carries besides id, request_id and _links. */
  addedExtras: Record<string, unknown>;
  /** Webhooks of a change made through the API (only queued in apiChangeWebhooks mode). */
  changed(world: FakeWorld, ctx: WriteContext, record: R, action: 'add' | 'update'): void;
}

export function entityRoutes<R extends Stored, P extends { requestId: string }>(
  kind: EntityKind<R, P>
) {
  const selfLink = (req: ApiRequest, record: R) =>
    link(`${req.base}/api/v4/${kind.path}/${record.id}`);
  const updated = (req: ApiRequest, record: R) => {
    const { id, name, updated_at } = record;
    return { id, name, updated_at, _links: selfLink(req, record) };
  };
  const update = (world: FakeWorld, req: ApiRequest, plan: P, record: R) => {
    const ctx = apiWriter(world, req);
    kind.apply(plan, record, ctx);
    kind.changed(world, ctx, record, 'update');
  };

  return {
    list(world: FakeWorld, req: ApiRequest): ApiResponse {
      const { page, limit } = pageParams(req.query);
      const all = [...kind.all(world)].filter(record => !record.is_deleted);
      const found = paginate(selectEntities(all, req.query, kind.searchText), page, limit);
      if (found.items.length === 0) return NO_CONTENT;
      const withLeads = withList(req).includes('leads');
      const selfQuery = pageQuery(req.search, page, limit);
      const items = found.items.map(record =>
        kind.render(record, req.base, withLeads ? kind.leadsOf(world, record) : null, selfQuery)
      );
      return hal({
        _page: page,
        _links: pageLinks(req, page, limit, found.hasNext),
        _embedded: { [kind.path]: items },
      });
    },

    get(world: FakeWorld, req: ApiRequest): ApiResponse {
      const record = kind.live(world, req.params.id);
      if (!record) return NO_CONTENT;
      const leads = withList(req).includes('leads') ? kind.leadsOf(world, record) : null;
      return hal(kind.render(record, req.base, leads));
    },

    add(world: FakeWorld, req: ApiRequest): ApiResponse {
      const plans = planBatch(batchItems(req, MAX_BATCH), (raw, requestId) =>
        kind.plan(raw, requestId, world)
      );
      const ctx = apiWriter(world, req);
      const created = plans.map(plan => {
        const record = kind.create(ctx);
        kind.apply(plan, record, ctx);
        kind.changed(world, ctx, record, 'add');
        const answer = { id: record.id, ...kind.addedExtras, request_id: plan.requestId };
        return { ...answer, _links: selfLink(req, record) };
      });
      const embedded = { [kind.path]: created };
      return hal({ _links: link(`${req.base}/api/v4/${kind.path}`), _embedded: embedded });
    },

    updateMany(world: FakeWorld, req: ApiRequest): ApiResponse {
      const plans = planBatch(batchItems(req, MAX_BATCH), (raw, requestId) => {
        const target = typeof raw.id === 'number' ? kind.live(world, raw.id) : undefined;
        const planned = kind.plan(raw, requestId, world);
        if (!target) planned.errors.add(fieldError.notFound('id'));
        return {
          plan: { plan: planned.plan, target: target as R, requestId },
          errors: planned.errors,
        };
      });
      const answers = plans.map(({ plan, target, requestId }) => {
        update(world, req, plan, target);
        return { ...updated(req, target), request_id: requestId };
      });
      const embedded = { [kind.path]: answers };
      return hal({ _links: link(`${req.base}/api/v4/${kind.path}`), _embedded: embedded });
    },

    updateOne(world: FakeWorld, req: ApiRequest): ApiResponse {
      const body = requireBody(req);
      const record = requireLive(kind.live(world, req.params.id));
      const [plan] = planBatch([body], (raw, requestId) => kind.plan(raw, requestId, world));
      update(world, req, plan, record);
      return hal(updated(req, record));
    },
  };
}

/** The record a single PATCH names, or AmoCRM's 400 with a NotFound at `id`. */
export function requireLive<R>(record: R | undefined): R {
  if (record) return record;
  throw new ApiError(validationProblem([{ request_id: '0', errors: [fieldError.notFound('id')] }]));
}
