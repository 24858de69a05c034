// The request model handlers see, and path templates (`/api/v4/leads/{id}`) matched against
// request paths. `{name}` matches digits only, as AmoCRM's ids are integers, so
// `/api/v4/leads/pipelines` never passes for a lead id. A path whose template exists under
// another method is a 405, an unknown path a 404.

import type { QueryObject } from '../core/bracket-query';
import { ApiError, ApiResponse, problem } from '../core/problems';
import type { FakeWorld } from './fake-world';

export interface ApiRequest {
  method: string;
  path: string;
  params: Record<string, number>;
  query: QueryObject;
  search: URLSearchParams;
  /** Parsed JSON or form body; undefined when empty or unparsable (see bodyError). */
  body: unknown;
  bodyError: boolean;
  headers: Record<string, string | string[] | undefined>;
  /** The request clock, ms. */
  now: number;
  /** Base URL the caller reached the fake at, for `_links`. */
  base: string;
}

export type Handler = (world: FakeWorld, req: ApiRequest) => ApiResponse | Promise<ApiResponse>;

export interface Route {
  method: string;
  template: string;
  handler: Handler;
  /** Needs `Authorization: Bearer` (every /api/v4 route). */
  auth: boolean;
}

export interface RouteMatch {
  template: string;
  route: Route | null;
  params: Record<string, number>;
}

export function route(method: string, template: string, handler: Handler): Route {
  return { method, template, handler, auth: template.startsWith('/api/v4/') };
}

const patterns = new Map<string, { regex: RegExp; names: string[] }>();

function compile(template: string) {
  let compiled = patterns.get(template);
  if (!compiled) {
    const names: string[] = [];
    const source = template.replace(/\{(\w+)\}/g, (_, name: string) => {
      names.push(name);
      return '(\\d+)';
    });
    compiled = { regex: new RegExp(`^${source}/?$`), names };
    patterns.set(template, compiled);
  }
  return compiled;
}

/** The route for this method and path; `route` null with a known template means 405. */
export function matchRoute(routes: Route[], method: string, path: string): RouteMatch | null {
  let templateOnly: RouteMatch | null = null;
  for (const candidate of routes) {
    const { regex, names } = compile(candidate.template);
    const found = regex.exec(path);
    if (!found) continue;
    const params = Object.fromEntries(names.map((name, i) => [name, Number(found[i + 1])]));
    if (candidate.method === method)
      return { template: candidate.template, route: candidate, params };
    templateOnly ??= { template: candidate.template, route: null, params };
  }
  return templateOnly;
}

/** The JSON body, or AmoCRM's 400 for an empty or unparsable one. */
export function requireBody(req: ApiRequest): unknown {
  if (req.bodyError) throw new ApiError(problem(400, 'Syntax error'));
  const body = req.body;
  const empty =
    body === undefined ||
    body === null ||
    (Array.isArray(body) && body.length === 0) ||
    (typeof body === 'object' && Object.keys(body as object).length === 0);
  if (empty) throw new ApiError(problem(400, 'Request data can not be empty'));
  return body;
}
