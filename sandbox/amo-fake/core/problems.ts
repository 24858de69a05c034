// AmoCRM's answers as plain values: the handler result type, the problem+json error bodies
// (RFC 7807 with `https://httpstatus.es/<code>` types, as the Kommo http-codes page shows) and
// the batch validation error that names each failing item by its request_id. Handlers throw
// ApiError so that deep validation code can abort a request without threading results back.

export const HAL_JSON = 'application/hal+json';
export const PROBLEM_JSON = 'application/problem+json';

/** What a handler answers; `body` undefined means an empty body (204). */
export interface ApiResponse {
  status: number;
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

export class ApiError extends Error {
  constructor(readonly response: ApiResponse) {
    super(`HTTP ${response.status}`);
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function problem(status: number, detail: string, extra: object = {}): ApiResponse {
  const title = TITLES[status] ?? 'Error';
  const body = { title, type: `https://httpstatus.es/${status}`, status, detail, ...extra };
  return { status, body, contentType: PROBLEM_JSON };
}

export function hal(body: unknown, status = 200): ApiResponse {
  return { status, body, contentType: HAL_JSON };
}

export const NO_CONTENT: ApiResponse = { status: 204 };

export interface FieldError {
  code: string;
  path: string;
  detail: string;
}

export interface ValidationEntry {
  request_id: string;
  errors: FieldError[];
}

/** The 400 of a batch write; `validation-errors` comes first, as in AmoCRM's own body. */
export function validationProblem(entries: ValidationEntry[]): ApiResponse {
  const body = {
    'validation-errors': entries,
    title: 'Bad Request',
    type: 'https://httpstatus.es/400',
    status: 400,
    detail: 'Request validation failed',
  };
  return { status: 400, body, contentType: PROBLEM_JSON };
}

export const EMPTY_REQUEST = (): ApiResponse => problem(400, 'Request data can not be empty');

/** The usual field errors, worded as AmoCRM (Symfony validator) words them. */
export const fieldError = {
  choice: (path: string): FieldError => ({
    code: 'NotSupportedChoice',
    path,
    detail: 'The value you selected is not a valid choice.',
  }),
  type: (path: string, type: string): FieldError => ({
    code: 'InvalidType',
    path,
    detail: `This value should be of type ${type}.`,
  }),
  blank: (path: string): FieldError => ({
    code: 'NotBlank',
    path,
    detail: 'This value should not be blank.',
  }),
  notFound: (path: string): FieldError => ({
    code: 'NotFound',
    path,
    detail: 'Entity not found.',
  }),
  tooMany: (path: string, max: number): FieldError => ({
    code: 'TooManyElements',
    path,
    detail: `This collection should contain ${max} element${max === 1 ? '' : 's'} or less.`,
  }),
};

/** Collects the errors of one batch item under its request_id. */
export class ItemErrors {
  readonly errors: FieldError[] = [];
  constructor(readonly requestId: string) {}

  add(error: FieldError): void {
    this.errors.push(error);
  }

  get ok(): boolean {
    return this.errors.length === 0;
  }

  entry(): ValidationEntry {
    return { request_id: this.requestId, errors: this.errors };
  }
}

/** Throws the batch's 400 when any item failed; otherwise returns. */
export function throwIfInvalid(items: ItemErrors[]): void {
  const failed = items.filter(item => !item.ok);
  if (failed.length > 0) throw new ApiError(validationProblem(failed.map(i => i.entry())));
}
