// The AmoCRM fake's public surface: start it (in a worker thread), drive it through the admin
// client, and the shapes both use. Also the pieces tests may want without HTTP: the form
// codec of webhooks and the fixture-derived default pipelines.

export { startFakeAmo } from './start';
export type { FakeAmoHandle, FakeAmoOptions } from './start';
export { FakeAmoAdmin, FakeAmoAdminError } from './admin-client';
export {
  defaultConfig,
  MAIN_PIPELINE,
  SECOND_PIPELINE,
  PARTNER_PIPELINE,
  DEAL_PIPELINES,
  PHONE_FIELD_ID,
  EMAIL_FIELD_ID,
} from './core/default-data';
export { DEAL_COMPANIES, DEAL_CONTACT_FIELDS, DEAL_LEAD_FIELDS } from './core/deal-account';
export { decodeForm, encodeForm } from './webhooks/form-encode';
export { valuesByCode } from './core/custom-fields';
export type * from './types';
