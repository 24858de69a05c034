// /api/v4/companies (amoCRM "Компании", crm_platform/companies-api): list (`query` over the
// filled fields, `filter[id]`, `filter[name]`, order, paging, `with=leads`, 204 when empty), one
// company, batch add and batch / single update. A lead's company is linked through the lead
// (`_embedded.companies`) or POST /api/v4/leads/{id}/link (see api-links.ts).

import { applyCompany, planCompany } from '../core/entity-writes';
import { companySearchText, pageParams, paginate, selectEntities } from '../core/listing';
import { link, renderCompany } from '../core/presenters';
import {
  ApiError,
  ApiResponse,
  NO_CONTENT,
  fieldError,
  hal,
  validationProblem,
} from '../core/problems';
import type { CompanyRecord } from '../types';
import { apiWriter, batchItems, pageLinks, pageQuery, planBatch, withList } from './api-common';
import type { FakeWorld } from './fake-world';
import { ApiRequest, requireBody } from './route-table';

const MAX_BATCH = 250;

export function listCompanies(world: FakeWorld, req: ApiRequest): ApiResponse {
  const { page, limit } = pageParams(req.query);
  const all = [...world.account.companies.values()].filter(company => !company.is_deleted);
  const found = paginate(selectEntities(all, req.query, companySearchText), page, limit);
  if (found.items.length === 0) return NO_CONTENT;
  const withLeads = withList(req).includes('leads');
  const selfQuery = pageQuery(req.search, page, limit);
  const companies = found.items.map(company =>
    renderCompany(company, req.base, withLeads ? leadsOf(world, company) : null, selfQuery)
  );
  return hal({
    _page: page,
    _links: pageLinks(req, page, limit, found.hasNext),
    _embedded: { companies },
  });
}

export function getCompany(world: FakeWorld, req: ApiRequest): ApiResponse {
  const company = world.account.company(req.params.id);
  if (!company) return NO_CONTENT;
  const leads = withList(req).includes('leads') ? leadsOf(world, company) : null;
  return hal(renderCompany(company, req.base, leads));
}

export function addCompanies(world: FakeWorld, req: ApiRequest): ApiResponse {
  const plans = planBatch(batchItems(req, MAX_BATCH), (raw, requestId) =>
    planCompany(raw, requestId, world.account)
  );
  const ctx = apiWriter(world, req);
  const created = plans.map(plan => {
    const company = ctx.state.newCompany(ctx.nowS, ctx.userId);
    applyCompany(plan, company, ctx);
    return { id: company.id, request_id: plan.requestId, _links: companyLink(req, company) };
  });
  return hal({ _links: link(`${req.base}/api/v4/companies`), _embedded: { companies: created } });
}

export function updateCompanies(world: FakeWorld, req: ApiRequest): ApiResponse {
  const plans = planBatch(batchItems(req, MAX_BATCH), (raw, requestId) => {
    const target = typeof raw.id === 'number' ? world.account.company(raw.id) : undefined;
    const planned = planCompany(raw, requestId, world.account);
    if (!target) planned.errors.add(fieldError.notFound('id'));
    return { plan: { ...planned.plan, target: target as CompanyRecord }, errors: planned.errors };
  });
  const ctx = apiWriter(world, req);
  const updated = plans.map(plan => {
    applyCompany(plan, plan.target, ctx);
    return { ...updateAnswer(req, plan.target), request_id: plan.requestId };
  });
  return hal({ _links: link(`${req.base}/api/v4/companies`), _embedded: { companies: updated } });
}

export function updateCompany(world: FakeWorld, req: ApiRequest): ApiResponse {
  const body = requireBody(req);
  const company = world.account.company(req.params.id);
  if (!company) {
    throw new ApiError(
      validationProblem([{ request_id: '0', errors: [fieldError.notFound('id')] }])
    );
  }
  const [plan] = planBatch([body], (raw, requestId) => planCompany(raw, requestId, world.account));
  applyCompany(plan, company, apiWriter(world, req));
  return hal(updateAnswer(req, company));
}

function updateAnswer(req: ApiRequest, company: CompanyRecord) {
  const { id, name, updated_at } = company;
  return { id, name, updated_at, _links: companyLink(req, company) };
}

function leadsOf(world: FakeWorld, company: CompanyRecord) {
  return world.account.leadsOfCompany(company.id);
}

function companyLink(req: ApiRequest, company: CompanyRecord) {
  return link(`${req.base}/api/v4/companies/${company.id}`);
}
