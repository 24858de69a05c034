// HttpPort over UrlFetchApp: one fetchAll per batch, HTTP errors returned as responses
// (muteHttpExceptions) so the AmoCRM client decides, transport failures as NetworkError, and
// Apps Script's own refusals (a permission not granted, the daily UrlFetch quota) as a
// PlatformError: nothing was sent, and retrying as if the network failed cannot help.
import { platformErrorOf } from '../amo/errors';
import { HttpPort, HttpRequest, HttpResponse, NetworkError } from '../ports';

export class UrlFetchHttp implements HttpPort {
  fetchAll(requests: HttpRequest[]): HttpResponse[] {
    const params = requests.map(toFetchParams);
    let responses: GoogleAppsScript.URL_Fetch.HTTPResponse[];
    try {
      responses = UrlFetchApp.fetchAll(params);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      throw platformErrorOf(message) ?? new NetworkError(message);
    }
    return responses.map(toHttpResponse);
  }
}

function toFetchParams(req: HttpRequest): GoogleAppsScript.URL_Fetch.URLFetchRequest {
  const params: GoogleAppsScript.URL_Fetch.URLFetchRequest = {
    url: req.url,
    method: req.method,
    headers: req.headers ?? {},
    muteHttpExceptions: true,
    followRedirects: true,
  };
  if (req.payload !== undefined) params.payload = req.payload;
  if (req.contentType !== undefined) params.contentType = req.contentType;
  return params;
}

function toHttpResponse(res: GoogleAppsScript.URL_Fetch.HTTPResponse): HttpResponse {
  const headers: Record<string, string> = {};
  const raw = res.getHeaders() as Record<string, unknown>;
  for (const name of Object.keys(raw)) headers[name.toLowerCase()] = String(raw[name]);
  return { status: res.getResponseCode(), headers, body: res.getContentText() };
}
