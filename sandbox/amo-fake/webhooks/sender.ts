// The HTTP side of a webhook delivery: one POST the way AmoCRM's sender makes it (form body,
// `User-Agent: amoCRM-Webhooks/3.0`, `X-Amocrm-Requestid`), waiting at most the configured
// real time (AmoCRM: 2 s) for the whole exchange. AmoCRM counts only 100–299 as success and
// does not say whether it follows a redirect, so both are possible: without
// `followRedirects` a 3xx is the answer (a failure); with it the sender fetches the Location
// with GET (as browsers and curl -L do after a 302 to a POST) and the last answer counts.

export interface SendResult {
  status: number;
  responseBody: string;
  error?: string;
  /** Locations followed, in order. */
  redirects?: string[];
}

export type WebhookSender = (request: {
  destination: string;
  body: string;
  contentType: string;
  requestId: string;
  timeoutMs: number;
  followRedirects?: boolean;
}) => Promise<SendResult>;

const MAX_REDIRECTS = 5;

export const sendWebhook: WebhookSender = async request => {
  const signal = AbortSignal.timeout(request.timeoutMs);
  const redirects: string[] = [];
  const extra = () => (redirects.length > 0 ? { redirects } : {});
  try {
    let response = await fetch(request.destination, {
      method: 'POST',
      redirect: 'manual',
      body: request.body,
      headers: {
        'Content-Type': request.contentType,
        'User-Agent': 'amoCRM-Webhooks/3.0',
        'X-Amocrm-Requestid': request.requestId,
      },
      signal,
    });
    while (request.followRedirects && isRedirect(response.status)) {
      const location = response.headers.get('location');
      if (!location || redirects.length >= MAX_REDIRECTS) break;
      await response.body?.cancel();
      const next = new URL(location, response.url || request.destination).toString();
      redirects.push(next);
      response = await fetch(next, {
        method: 'GET',
        redirect: 'manual',
        headers: { 'User-Agent': 'amoCRM-Webhooks/3.0' },
        signal,
      });
    }
    return { status: response.status, responseBody: await response.text(), ...extra() };
  } catch (error) {
    return { status: 0, responseBody: '', error: describe(error), ...extra() };
  }
};

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function describe(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timeout';
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: { code?: string } }).cause;
    return cause?.code ?? error.message;
  }
  return String(error);
}
