// The row's own stable id (`external_id`), written on its first sync and never changed, so
// that a row is still recognised after people sort, insert or delete rows. Like a ULID it
// begins with the time it was made — when a syncing run first saw the row — so a later run
// knows how old the row's values are (a contact changed in AmoCRM after that is newer than
// them). Built from a UUID and a time the caller supplies (Utilities.getUuid() and the clock
// in Apps Script) so this module stays pure.

const TIME_HEX_CHARS = 11;
const RANDOM_HEX_CHARS = 16;
/** Ids made before they carried a time are `r-` and 16 random hex digits: still recognised. */
const EXTERNAL_ID = /^r-(?:[0-9a-f]{27}|[0-9a-f]{16})$/;

/**
 * `r-`, the epoch ms `now` in 11 hex digits, then the first 16 hex digits of `uuid` (dashes
 * dropped, lower-cased): 60 random bits for a v4 UUID, so ids made in the same millisecond (a
 * paste, an import) stay unique.
 * @throws Error when `uuid` has fewer than 16 hex digits (a caller bug, not user data).
 */
export function newExternalId(uuid: string, now: number): string {
  const hex = uuid.toLowerCase().replace(/[^0-9a-f]/g, '');
  if (hex.length < RANDOM_HEX_CHARS) throw new Error(`not a UUID: ${uuid}`);
  const time = Math.max(0, Math.floor(now)).toString(16).padStart(TIME_HEX_CHARS, '0');
  return `r-${time.slice(-TIME_HEX_CHARS)}${hex.slice(0, RANDOM_HEX_CHARS)}`;
}

/** True for an id made by {@link newExternalId} (after trimming). */
export function isExternalId(value: unknown): boolean {
  return typeof value === 'string' && EXTERNAL_ID.test(value.trim());
}

/** When the id was made (epoch ms), or undefined for an id without a time. */
export function externalIdTime(id: string): number | undefined {
  const trimmed = id.trim();
  if (!EXTERNAL_ID.test(trimmed) || trimmed.length !== 2 + TIME_HEX_CHARS + RANDOM_HEX_CHARS) {
    return undefined;
  }
  return parseInt(trimmed.slice(2, 2 + TIME_HEX_CHARS), 16);
}
