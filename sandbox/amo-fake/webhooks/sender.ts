// The HTTP side of a webhook delivery: one POST the way AmoCRM's sender makes it (form body,
// `User-Agent: amoCRM-Webhooks/3.0`, `X-Amocrm-Requestid`), waiting at most the configured
// real time (AmoCRM: 2 s). Redirects are not followed: AmoCRM counts only 100–299 as success.

export interface SendResult {
  status: number;
  responseBody: string;
  error?: string;
}

export type WebhookSender = (request: {
  destination: string;
  body: string;
  contentType: string;
  requestId: string;
  timeoutMs: number;
}) => Promise<SendResult>;

export const sendWebhook: WebhookSender = async request => {
  try {
    const response = await fetch(request.destination, {
      method: 'POST',
      redirect: 'manual',
      body: request.body,
      headers: {
        'Content-Type': request.contentType,
        'User-Agent': 'amoCRM-Webhooks/3.0',
        'X-Amocrm-Requestid': request.requestId,
      },
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    return { status: response.status, responseBody: await response.text() };
  } catch (error) {
    return { status: 0, responseBody: '', error: describe(error) };
  }
};

function describe(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timeout';
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: { code?: string } }).cause;
    return cause?.code ?? error.message;
  }
  return String(error);
}
