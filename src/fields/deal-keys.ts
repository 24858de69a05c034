// The memory keys and headers of the lead's own person-editable columns (see deal.ts).
export const STATUS_KEY = 'st';
export const PIPELINE_KEY = 'pl';
export const PIPELINE_HEADERS = ['pipeline', 'воронка'];

/** A status or pipeline name as its key: trimmed, lower-cased. */
export function nameKey(text: string): string {
  return text.trim().toLowerCase();
}
