// Blob objects (Utilities.newBlob, HTTPResponse.getBlob, HtmlOutput.getBlob): bytes plus a
// content type and a name. Only the in-memory surface is emulated (no Drive conversions).

import { decodeText, signedBytes, toBuffer } from './bytes';
import type { Execution } from './execution';

export interface BlobRecord {
  bytes: Buffer;
  contentType: string | null;
  name: string | null;
}

export function blobObject(exec: Execution, record: BlobRecord): object {
  const self: object = exec.object(
    'Blob',
    {
      getBytes: () => signedBytes(record.bytes),
      setBytes: data => {
        record.bytes = toBuffer(data);
        return self;
      },
      getDataAsString: charset => decodeText(record.bytes, charset),
      setDataFromString: (text, charset) => {
        record.bytes = toBuffer(String(text), charset);
        return self;
      },
      getContentType: () => record.contentType,
      setContentType: type => {
        record.contentType = type === null || type === undefined ? null : String(type);
        return self;
      },
      getName: () => record.name,
      setName: name => {
        record.name = name === null || name === undefined ? null : String(name);
        return self;
      },
      copyBlob: () => blobObject(exec, { ...record, bytes: Buffer.from(record.bytes) }),
      getAs: type =>
        blobObject(exec, {
          ...record,
          bytes: Buffer.from(record.bytes),
          contentType: String(type),
        }),
      getBlob: () => self,
      isGoogleType: () => false,
    },
    { host: record }
  );
  return self;
}

/** The bytes of a value the script passed: a Blob, a string or a byte array. */
export function bytesOf(exec: Execution, data: unknown, charset?: unknown): Buffer {
  const blob = exec.hostOf<BlobRecord>(data, 'Blob');
  return blob ? Buffer.from(blob.bytes) : toBuffer(data, charset);
}
