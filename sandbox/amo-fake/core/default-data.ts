// The account the fake starts with. The main pipeline is the real one captured in
// fixtures/pipeline.json (nicestrogonov.amocrm.ru, 2023); the optional second one is the
// official docs' example (fixtures/pipelines_list.json). Contacts carry AmoCRM's predefined
// PHONE and EMAIL multitext fields with their standard enum codes.

import type {
  AccountUserConfig,
  CustomFieldDefinition,
  FakeAmoConfig,
  FakeAmoConfigPatch,
  PipelineConfig,
  StatusConfig,
} from '../types';

export const WON_STATUS_ID = 142;
export const LOST_STATUS_ID = 143;

/** The system statuses every pipeline has. */
export const SYSTEM_STATUSES: StatusConfig[] = [
  {
    id: WON_STATUS_ID,
    name: 'Успешно реализовано',
    sort: 10000,
    color: '#CCFF66',
    type: 0,
    is_editable: false,
  },
  {
    id: LOST_STATUS_ID,
    name: 'Закрыто и не реализовано',
    sort: 11000,
    color: '#D5D8DB',
    type: 0,
    is_editable: false,
  },
];

function status(id: number, name: string, sort: number, color: string): StatusConfig {
  return { id, name, sort, color, type: 0, is_editable: true };
}

function incoming(id: number): StatusConfig {
  return { id, name: 'Неразобранное', sort: 10, color: '#c1c1c1', type: 1, is_editable: false };
}

/** fixtures/pipeline.json */
export const MAIN_PIPELINE: PipelineConfig = {
  id: 5959351,
  name: 'Воронка',
  sort: 1,
  is_main: true,
  statuses: [
    incoming(51909133),
    status(51909136, 'Первичный контакт', 20, '#99ccff'),
    status(51909139, 'Переговоры', 30, '#ffff99'),
    status(51909142, 'Принимают решение', 40, '#ffcc66'),
    status(51909145, 'Согласование договора', 50, '#ffcccc'),
    ...SYSTEM_STATUSES,
  ],
};

/** fixtures/pipelines_list.json, as a second, non-main pipeline. */
export const SECOND_PIPELINE: PipelineConfig = {
  id: 3177727,
  name: 'Воронка 2',
  sort: 2,
  is_main: false,
  statuses: [
    incoming(32392156),
    status(32392159, 'Первичный контакт', 20, '#99ccff'),
    status(32392165, 'Принимают решение', 30, '#ffcc66'),
    ...SYSTEM_STATUSES,
  ],
};

/** A third pipeline for the several-pipelines world (issue 15), with its own incoming status. */
export const PARTNER_PIPELINE: PipelineConfig = {
  id: 7012345,
  name: 'Партнёры',
  sort: 3,
  is_main: false,
  statuses: [
    incoming(60120001),
    status(60120003, 'Заявка', 20, '#98cbff'),
    status(60120005, 'Договор', 30, '#fffd7f'),
    ...SYSTEM_STATUSES,
  ],
};

/** Every pipeline of the deal account: the main one first. */
export const DEAL_PIPELINES: PipelineConfig[] = [MAIN_PIPELINE, SECOND_PIPELINE, PARTNER_PIPELINE];

export const PHONE_FIELD_ID = 1062645;
export const EMAIL_FIELD_ID = 1062647;

export const PHONE_ENUMS = ['WORK', 'WORKDD', 'MOB', 'FAX', 'HOME', 'OTHER'];
export const EMAIL_ENUMS = ['WORK', 'PRIV', 'OTHER'];

function enums(firstId: number, codes: string[]): CustomFieldDefinition['enums'] {
  return codes.map((value, i) => ({ id: firstId + i * 2, value, sort: (i + 1) * 2 }));
}

export function defaultContactFields(): CustomFieldDefinition[] {
  const base = { entity_type: 'contacts' as const, is_api_only: false, is_predefined: true };
  return [
    {
      ...base,
      id: PHONE_FIELD_ID,
      name: 'Телефон',
      type: 'multitext',
      code: 'PHONE',
      sort: 4,
      is_deletable: false,
      enums: enums(726901, PHONE_ENUMS),
    },
    {
      ...base,
      id: EMAIL_FIELD_ID,
      name: 'Email',
      type: 'multitext',
      code: 'EMAIL',
      sort: 6,
      is_deletable: false,
      enums: enums(726921, EMAIL_ENUMS),
    },
  ];
}

/** The API user (an admin), the manager who acts in the UI, and two more sales people. */
const DEFAULT_USERS: AccountUserConfig[] = [
  { id: 504141, name: 'Администратор', email: 'admin@example.com', isAdmin: true, isActive: true },
  {
    id: 504142,
    name: 'Мария Соколова',
    email: 'maria@example.com',
    isAdmin: false,
    isActive: true,
  },
  { id: 504143, name: 'Иван Петров', email: 'ivan@example.com', isAdmin: false, isActive: true },
  { id: 504145, name: 'Ольга Смирнова', email: 'olga@example.com', isAdmin: false, isActive: true },
];

export function defaultConfig(): FakeAmoConfig {
  return {
    subdomain: 'example',
    accountId: 31234567,
    accountName: 'Fake AmoCRM account',
    userId: 504141,
    managerUserId: 504142,
    integration: {
      clientId: '04083acd-bcff-4b9b-92da-991b97400e73',
      clientSecret: 'fake-client-secret',
      redirectUri: 'https://example.com/oauth/callback',
    },
    accessTokenTtlS: 86400,
    authCodeTtlS: 20 * 60,
    refreshTokenTtlS: 90 * 86400,
    rateLimit: {
      enabled: true,
      maxPerWindow: 7,
      windowMs: 1000,
      retryAfterS: 1,
      blockAfter429s: 10,
      blockWindowMs: 60_000,
      blockForMs: 60_000,
    },
    pipelines: [MAIN_PIPELINE],
    webhookTimeoutMs: 2000,
    apiChangeWebhooks: false,
    webhookFollowRedirects: false,
    apiUserIsAdmin: true,
    users: DEFAULT_USERS,
  };
}

/** A configuration with a patch applied; nested objects merge key by key. */
export function mergeConfig(base: FakeAmoConfig, patch: FakeAmoConfigPatch): FakeAmoConfig {
  const { integration, rateLimit, ...rest } = patch;
  return {
    ...base,
    ...rest,
    integration: { ...base.integration, ...integration },
    rateLimit: { ...base.rateLimit, ...rateLimit },
  };
}
