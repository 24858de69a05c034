// A fake AmoCRM behind the HttpPort: routes the calls the settings dialog makes
// (/api/v4/account, /api/v4/leads/pipelines, /api/v4/leads/custom_fields, /api/v4/webhooks,
// /oauth2/access_token) to canned answers shaped like the documented ones in ../fixtures, checks
// the bearer token, records every request, and can play an unreachable host.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NetworkError } from '../../../src/ports';
import type { HttpPort, HttpRequest, HttpResponse } from '../../../src/ports';

export function fixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', name), 'utf8')) as T;
}

export interface SeenRequest {
  method: string;
  path: string;
  query: string;
  body: unknown;
  authorization: string;
}

type Answer = { status: number; body: unknown };

export class FakeAmo implements HttpPort {
  readonly requests: SeenRequest[] = [];
  /** Any request fails like an unknown host. */
  unreachable = false;
  /** The bearer token AmoCRM accepts. */
  acceptedToken = 'long-lived-token-0123456789';
  /** Custom fields of leads the account already has. */
  leadFields: Array<{ id: number; name: string }> = [];
  /** Overrides of answers, by `METHOD /path`. */
  readonly overrides = new Map<string, Answer>();

  fetchAll(requests: HttpRequest[]): HttpResponse[] {
    if (this.unreachable) {
      throw new NetworkError('Address unavailable: https://nowhere.invalid/api/v4/account');
    }
    return requests.map(r => this.answer(r));
  }

  /** The requests of one kind, e.g. `POST /api/v4/webhooks`. */
  seen(route: string): SeenRequest[] {
    return this.requests.filter(r => `${r.method} ${r.path}` === route);
  }

  private answer(request: HttpRequest): HttpResponse {
    const url = new URL(request.url);
    const seen: SeenRequest = {
      method: request.method.toUpperCase(),
      path: url.pathname,
      query: decodeURIComponent(url.search),
      body: request.payload === undefined ? undefined : JSON.parse(request.payload),
      authorization: request.headers?.Authorization ?? '',
    };
    this.requests.push(seen);
    const route = `${seen.method} ${seen.path}`;
    const answer = this.overrides.get(route) ?? this.route(route, seen);
    const body = answer.status === 204 ? '' : JSON.stringify(answer.body);
    return { status: answer.status, headers: {}, body };
  }

  private route(route: string, seen: SeenRequest): Answer {
    if (route === 'POST /oauth2/access_token')
      return { status: 200, body: fixture('oauth_token.json') };
    if (seen.authorization !== `Bearer ${this.acceptedToken}`) {
      return { status: 401, body: { title: 'Unauthorized', status: 401, detail: 'Unauthorized' } };
    }
    switch (route) {
      case 'GET /api/v4/account':
        return { status: 200, body: fixture('account.json') };
      case 'GET /api/v4/leads/pipelines':
        return { status: 200, body: fixture('pipelines_list.json') };
      case 'GET /api/v4/leads/custom_fields':
        return { status: 200, body: { _page: 1, _embedded: { custom_fields: this.leadFields } } };
      case 'POST /api/v4/leads/custom_fields':
        return this.createFields(seen.body as Array<{ name: string }>);
      case 'GET /api/v4/webhooks':
        return { status: 200, body: fixture('webhooks_list.json') };
      case 'POST /api/v4/webhooks':
        return {
          status: 200,
          body: subscription(seen.body as { destination: string; settings: string[] }),
        };
      case 'DELETE /api/v4/webhooks':
        return { status: 204, body: null };
      default:
        return { status: 404, body: { title: 'Not Found', status: 404, detail: 'No such route' } };
    }
  }

  private createFields(fields: Array<{ name: string }>): Answer {
    const made = fields.map((f, i) => ({ id: 900_001 + this.leadFields.length + i, name: f.name }));
    this.leadFields.push(...made);
    return { status: 200, body: { _embedded: { custom_fields: made } } };
  }
}

function subscription(body: { destination: string; settings: string[] }): unknown {
  return {
    id: 849193,
    destination: body.destination,
    created_at: 1576157524,
    updated_at: 1585816857,
    account_id: 1231414,
    created_by: 581651,
    sort: 1,
    disabled: false,
    settings: body.settings,
  };
}
