// The webhook's shared secret rides in the URL (`?secret=`) because Apps Script shows doPost
// no headers, so it is the only thing that tells AmoCRM's calls from anyone else's. Comparing
// it with `===` would return at the first differing character and let a patient caller learn
// the secret one character at a time from response times; these comparisons always walk the
// whole expected secret.

/**
 * Compares `given` with `expected` in time that depends only on `expected`'s length: every
 * character is compared, and a length difference is folded into the result instead of
 * returning early, so neither where they differ nor how long a matching prefix is leaks.
 */
export function constantTimeEqual(given: string, expected: string): boolean {
  let diff = given.length ^ expected.length;
  for (let i = 0; i < expected.length; i++) {
    // Past the end of `given`, compare with 0: a real character never equals it, and the
    // loop still runs over all of `expected`.
    const g = i < given.length ? given.charCodeAt(i) : 0;
    diff |= g ^ expected.charCodeAt(i);
  }
  return diff === 0;
}

/**
 * True when a secret is configured and `given` equals it. A missing or empty configured
 * secret never matches, so a script that was never set up refuses every webhook instead of
 * accepting `?secret=`.
 */
export function secretMatches(
  given: string | null | undefined,
  expected: string | null | undefined
): boolean {
  if (!expected || given === null || given === undefined) return false;
  return constantTimeEqual(given, expected);
}
