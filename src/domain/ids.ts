// The row's own stable id (`external_id`), written on its first sync and never changed, so
// that a row is still recognised after people sort, insert or delete rows. Built from a UUID
// the caller supplies (Utilities.getUuid() in Apps Script) so this module stays pure.

const ID_HEX_CHARS = 16;
const EXTERNAL_ID = /^r-[0-9a-f]{16}$/;

/**
 * `r-` plus the first 16 hex digits of `uuid` (dashes dropped, lower-cased), e.g.
 * `0f8fad5b-d9cb-469f-a165-70867728950e` → `r-0f8fad5bd9cb469f`: 60 random bits for a v4
 * UUID, far more than a sheet's rows need to stay unique.
 * @throws Error when `uuid` has fewer than 16 hex digits (a caller bug, not user data).
 */
export function newExternalId(uuid: string): string {
  const hex = uuid.toLowerCase().replace(/[^0-9a-f]/g, '');
  if (hex.length < ID_HEX_CHARS) throw new Error(`not a UUID: ${uuid}`);
  return `r-${hex.slice(0, ID_HEX_CHARS)}`;
}

/** True for an id made by {@link newExternalId} (after trimming). */
export function isExternalId(value: unknown): boolean {
  return typeof value === 'string' && EXTERNAL_ID.test(value.trim());
}
