// Digests by the platform (the Ports' sha256Hex), never hand-written.

/** The platform's SHA-256 (Utilities.computeDigest answers signed bytes) as lower-case hex. */
export function sha256Hex(text: string): string {
  const bytes = Utilities.computeDigest(
    Utilities.DigestAlgorithm.SHA_256,
    text,
    Utilities.Charset.UTF_8
  );
  return bytes.map(b => ((b + 256) % 256).toString(16).padStart(2, '0')).join('');
}
