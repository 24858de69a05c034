// ContentService: TextOutput objects a doGet/doPost returns. The web-app front answers their
// content with the matching Content-Type; tests read them from RunResult.output.

import type { Execution } from './execution';

export interface TextOutputRecord {
  content: string;
  /** ContentService.MimeType member name: TEXT, JSON… */
  mimeType: string;
  fileName: string | null;
}

export const MIME_TYPES: Record<string, string> = {
  ATOM: 'application/atom+xml',
  CSV: 'text/csv',
  ICAL: 'text/calendar',
  JAVASCRIPT: 'application/javascript',
  JSON: 'application/json',
  RSS: 'application/rss+xml',
  TEXT: 'text/plain',
  VCARD: 'text/vcard',
  XML: 'text/xml',
};

export function createContentService(exec: Execution): object {
  const mimeType = exec.enumType('MimeType', Object.keys(MIME_TYPES));
  return exec.object(
    'ContentService',
    {
      createTextOutput: content =>
        textOutputObject(exec, {
          content: content === undefined || content === null ? '' : String(content),
          mimeType: 'TEXT',
          fileName: null,
        }),
    },
    { props: { MimeType: mimeType } }
  );
}

function textOutputObject(exec: Execution, record: TextOutputRecord): object {
  const mimeType = exec.enumType('MimeType', Object.keys(MIME_TYPES));
  const self: object = exec.object(
    'TextOutput',
    {
      getContent: () => record.content,
      setContent: content => {
        record.content = String(content);
        return self;
      },
      append: addition => {
        record.content += String(addition);
        return self;
      },
      clear: () => {
        record.content = '';
        return self;
      },
      getMimeType: () => mimeType[record.mimeType],
      setMimeType: type => {
        const name = String(type);
        record.mimeType = name in MIME_TYPES ? name : 'TEXT';
        return self;
      },
      downloadAsFile: name => {
        record.fileName = String(name);
        return self;
      },
      getFileName: () => record.fileName,
    },
    { host: record }
  );
  return self;
}
