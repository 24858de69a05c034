// The AmoCRM client's public surface: import from 'src/amo' rather than from its files. The
// client talks to AmoCRM API v4 only through the ports (src/ports.ts), so it runs the same in
// Apps Script and in a unit test.

export { AmoClient, DEFAULT_RUN_BUDGET_MS } from './client';
export type { AmoClientOptions, AmoRunner, ResultsOf } from './client';
export { AmoError, redact } from './errors';
export type { AmoErrorInit, AmoErrorKind, AmoValidationError, Result } from './errors';
export { LongLivedTokenSource, OAuthTokenSource, createTokenSource } from './auth';
export type { OAuthTokenSourceOptions, TokenSource, TokenSourceDeps } from './auth';
export { AMO_TOKENS_KEY } from './token-store';
export type { StoredTokens } from './token-store';
export { normalizeBaseUrl } from './base-url';
export {
  AMO_LIMITS,
  createComplexLeads,
  createContacts,
  createLeadCustomFields,
  createLeads,
  getAccount,
  getContact,
  getLead,
  linkContactsToLeads,
  listContacts,
  listLeadCustomFields,
  listLeads,
  listPipelines,
  listWebhooks,
  searchContacts,
  subscribeWebhook,
  unsubscribeWebhook,
  updateContacts,
  updateLeads,
} from './calls';
export type {
  AmoCall,
  AmoMethod,
  AmoResponse,
  CallValue,
  ContactWith,
  ContactsQuery,
  LeadWith,
  LeadsQuery,
  PageQuery,
} from './calls';
export {
  MAX_QUERY_CHARS,
  batchCalls,
  chunk,
  contactsByIds,
  fetchAllPages,
  fetchPages,
  idChunks,
  leadsByIds,
} from './batching';
export type { PageCall } from './batching';
export {
  EMAIL_FIELD,
  PHONE_FIELD,
  WORK_ENUM,
  contactEmails,
  contactPhones,
  fieldValues,
  mainContactId,
  phoneEmailFields,
} from './fields';
export { PIPELINES_CACHE_KEY, StatusDirectory } from './pipelines';
export type { PipelineInfo, StatusDirectoryOptions, StatusInfo } from './pipelines';
export { AMO_RATE_LIMIT, RequestPacer, pacerFor } from './pacer';
export type { RateLimit } from './pacer';
export { DEFAULT_RETRY_POLICY } from './retry-policy';
export type { RetryPolicy } from './retry-policy';
export { encodeQuery } from './query-string';
export type { QueryParams, QueryValue } from './query-string';
export type * from './types';
