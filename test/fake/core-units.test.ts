// Unit tests of the fake's pure state classes (no HTTP): the rate limiter's windows and
// block, fault rule matching, OAuth's rotation rules, PHP query parsing, and the webhook
// encoder reproducing real AmoCRM bodies byte for byte.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseBracketQuery, intsOf } from '../../sandbox/amo-fake/core/bracket-query';
import { defaultConfig } from '../../sandbox/amo-fake/core/default-data';
import { FaultBook } from '../../sandbox/amo-fake/core/faults';
import { OAuthState } from '../../sandbox/amo-fake/core/oauth';
import { RateLimiter } from '../../sandbox/amo-fake/core/rate-limiter';
import type { LeadRecord } from '../../sandbox/amo-fake/types';
import { decodeForm } from '../../sandbox/amo-fake/webhooks/form-encode';
import {
  buildWebhookBody,
  deletedLeadFields,
  leadFields,
} from '../../sandbox/amo-fake/webhooks/payloads';

const fixture = (name: string) => readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');

describe('RateLimiter', () => {
  const config = () => ({ ...defaultConfig().rateLimit });

  it('allows 7 requests in a second and refuses the 8th', () => {
    const limiter = new RateLimiter(config());
    const decisions = Array.from({ length: 8 }, (_, i) => limiter.check(1000 + i * 100));
    expect(decisions.slice(0, 7)).toEqual(Array(7).fill('ok'));
    expect(decisions[7]).toBe('limited');
  });

  it('allows 7 per second, evenly spread, indefinitely', () => {
    const limiter = new RateLimiter(config());
    for (let i = 0; i < 70; i += 1) expect(limiter.check(i * 143)).toBe('ok');
  });

  it('counts windows around out-of-order clocks', () => {
    const limiter = new RateLimiter(config());
    for (let i = 0; i < 7; i += 1) expect(limiter.check(5000 + i * 10)).toBe('ok');
    expect(limiter.check(4500)).toBe('limited');
  });

  it('blocks after repeated 429s, for blockForMs', () => {
    const limiter = new RateLimiter({ ...config(), blockAfter429s: 3, blockForMs: 60_000 });
    for (let i = 0; i < 7; i += 1) limiter.check(0);
    expect([limiter.check(1), limiter.check(2), limiter.check(3)]).toEqual(
      Array(3).fill('limited')
    );
    expect(limiter.check(5000)).toBe('blocked');
    expect(limiter.check(59_999)).toBe('blocked');
    expect(limiter.check(60_004)).toBe('ok');
    expect(limiter.stats()).toMatchObject({ limited: 3, blocked: 2 });
  });
});

describe('FaultBook', () => {
  const req = (method: string, path: string, template = path) => ({ method, path, template });

  it('fires on the nth match, the given number of times', () => {
    const book = new FaultBook();
    book.add({
      match: { method: 'post', path: '/api/v4/leads', nth: 2 },
      times: 2,
      action: 'drop',
    });
    const taken = [1, 2, 3, 4].map(() => book.take(req('POST', '/api/v4/leads'))?.action ?? null);
    expect(taken).toEqual([null, 'drop', 'drop', null]);
    expect(book.list()).toEqual([]);
  });

  it('matches templates and ^regex paths', () => {
    const book = new FaultBook();
    book.add({ match: { path: '/api/v4/leads/{id}' }, times: 'forever', action: 'hang' });
    book.add({ match: { path: '^/api/v4/contacts' }, action: { status: 500 } });
    expect(book.take(req('GET', '/api/v4/leads/5', '/api/v4/leads/{id}'))?.action).toBe('hang');
    expect(book.take(req('GET', '/api/v4/leads', '/api/v4/leads'))).toBeNull();
    expect(book.take(req('GET', '/api/v4/contacts/7'))?.action).toEqual({ status: 500 });
    expect(book.list()).toHaveLength(1);
  });
});

describe('OAuthState', () => {
  const config = defaultConfig();
  const { clientId, clientSecret, redirectUri } = config.integration;
  const base = { client_id: clientId, client_secret: clientSecret, redirect_uri: redirectUri };

  it('rotates refresh tokens: the spent one dies once the new pair is used', () => {
    const oauth = new OAuthState(() => config);
    const first = oauth.grant(
      { ...base, grant_type: 'authorization_code', code: oauth.issueCode(0) },
      0
    );
    if (!('refresh_token' in first)) throw new Error('no tokens');
    const refresh = { ...base, grant_type: 'refresh_token', refresh_token: first.refresh_token };
    const second = oauth.grant(refresh, 10);
    const again = oauth.grant(refresh, 20); // the answer was lost: the old token still works
    expect('access_token' in second && 'access_token' in again).toBe(true);
    if (!('access_token' in again)) throw new Error('no tokens');
    expect(oauth.authenticate(again.access_token, 30)).toBe(true);
    expect(oauth.grant(refresh, 40)).toEqual({ status: 400, hint: 'Invalid refresh token' });
  });

  it('expires access tokens after expires_in on the clock', () => {
    const oauth = new OAuthState(() => config);
    const pair = oauth.grant(
      { ...base, grant_type: 'authorization_code', code: oauth.issueCode(0) },
      0
    );
    if (!('access_token' in pair)) throw new Error('no tokens');
    expect(oauth.authenticate(pair.access_token, 86_399_999)).toBe(true);
    expect(oauth.authenticate(pair.access_token, 86_400_000)).toBe(false);
  });
});

describe('parseBracketQuery', () => {
  it('reads filter[id] in all three spellings', () => {
    const q = (s: string) =>
      intsOf((parseBracketQuery(new URLSearchParams(s)).filter as never)['id']);
    expect(q('filter[id][]=1&filter[id][]=2')).toEqual([1, 2]);
    expect(q('filter[id]=5')).toEqual([5]);
    expect(q('filter%5Bid%5D%5B0%5D=7&filter%5Bid%5D%5B1%5D=8')).toEqual([7, 8]);
  });
});

describe('webhook bodies', () => {
  const account = { subdomain: 'unirock', id: 16700680, url: 'https://unirock.amocrm.ru' };
  const lead: LeadRecord = {
    id: 30052055,
    name: 'TEST MISHA (SORRY)',
    price: 0,
    responsible_user_id: 2852878,
    group_id: 0,
    status_id: 17944873,
    pipeline_id: 936736,
    loss_reason_id: null,
    created_by: 2852878,
    updated_by: 2852878,
    created_at: 1744532875,
    updated_at: 1744532875,
    closed_at: null,
    is_deleted: false,
    custom_fields_values: null,
    account_id: 16700680,
    tags: [],
    contacts: [],
    companies: [],
  };

  it('reproduces the real 2025 leads[add] body', () => {
    const fields = leadFields(lead, { modifiedUserId: 2852878 });
    const body = buildWebhookBody(account, [
      { setting: 'add_lead', entity: 'leads', action: 'add', fields },
    ]);
    expect(body).toBe(fixture('webhook_leads_add_2025.txt'));
  });

  it('reproduces the real 2025 leads[update] body with a custom field', () => {
    const updated: LeadRecord = {
      ...lead,
      updated_at: 1744532876,
      custom_fields_values: [
        {
          field_id: 957901,
          field_name: 'test_id',
          field_code: null,
          field_type: 'text',
          values: [{ value: '30052055' }],
        },
      ],
    };
    const fields = leadFields(updated, { modifiedUserId: 0 });
    const event = {
      setting: 'update_lead',
      entity: 'leads' as const,
      action: 'update' as const,
      fields,
    };
    expect(buildWebhookBody(account, [event])).toBe(fixture('webhook_leads_update_2025.txt'));
  });

  it('reproduces the real 2025 leads[delete] body', () => {
    const event = {
      setting: 'delete_lead',
      entity: 'leads' as const,
      action: 'delete' as const,
      fields: deletedLeadFields(lead),
    };
    expect(buildWebhookBody(account, [event])).toBe(fixture('webhook_leads_delete_2025.txt'));
  });

  it('decodes what it encodes', () => {
    const fields = leadFields({ ...lead, name: 'Сделка & co +1' }, { modifiedUserId: 1 });
    const body = buildWebhookBody(account, [
      { setting: 'add_lead', entity: 'leads', action: 'add', fields },
    ]);
    expect(decodeForm(body)).toContainEqual(['leads[add][0][name]', 'Сделка & co +1']);
  });
});
