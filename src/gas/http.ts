// HttpPort over UrlFetchApp: one fetchAll per batch, HTTP errors returned as responses
// (muteHttpExceptions) so the AmoCRM client decides, transport failures as NetworkError.
import { HttpPort, HttpRequest, HttpResponse, NetworkError } from '../ports';

export class UrlFetchHttp implements HttpPort {
  fetchAll(requests: HttpRequest[]): HttpResponse[] {
    const params = requests.map(toFetchParams);
    let responses: GoogleAppsScript.URL_Fetch.HTTPResponse[];
    try {
      responses = UrlFetchApp.fetchAll(params);
    } catch (e) {
      throw new NetworkError(e instanceof Error ? e.message : String(e));
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
