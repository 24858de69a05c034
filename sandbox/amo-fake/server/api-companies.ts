// /api/v4/companies (amoCRM "Компании", crm_platform/companies-api): list (`query` over the
// filled fields, `filter[id]`, `filter[name]`, order, paging, `with=leads`, 204 when empty), one
// company, batch add and batch / single update. A lead's company is linked through the lead
// (`_embedded.companies`) or POST /api/v4/leads/{id}/link (see api-links.ts). Company changes
// send no webhooks in the fake.

import { applyCompany, planCompany } from '../core/entity-writes';
import { companySearchText } from '../core/listing';
import { renderCompany } from '../core/presenters';
import { entityRoutes } from './api-entities';

export const companyRoutes = entityRoutes({
  path: 'companies',
  all: world => world.account.companies.values(),
  live: (world, id) => world.account.company(id),
  searchText: companySearchText,
  leadsOf: (world, company) => world.account.leadsOfCompany(company.id),
  render: renderCompany,
  plan: (raw, requestId, world) => planCompany(raw, requestId, world.account),
  create: ctx => ctx.state.newCompany(ctx.nowS, ctx.userId),
  apply: applyCompany,
  addedExtras: {},
  changed: () => undefined,
});
