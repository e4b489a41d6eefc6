/** Query parameters that carry credentials in common market-data APIs. */
const SECRET_PARAMS = /^(api[-_]?key|apikey|key|token|access[-_]?token|secret|secret[-_]?key|signature)$/i;

/**
 * Replaces every occurrence of each secret in `text` with `***`. Secrets
 * shorter than 4 characters are ignored: masking "a" would shred the text
 * and such a key is not a real key anyway.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('***');
  return out;
}

/**
 * A URL safe to log or put in an error: credentials in the userinfo part or
 * in well-known query parameters are masked, then known secrets are redacted
 * anywhere else. Our providers send keys in headers, so this is the second
 * line of defence (for example a `next_url` that echoes `apiKey=`).
 */
export function safeUrl(url: string, secrets: readonly string[]): string {
  let out = url;
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = '';
      u.password = '';
    }
    for (const k of [...u.searchParams.keys()]) if (SECRET_PARAMS.test(k)) u.searchParams.set(k, '***');
    out = u.toString();
  } catch {
    // Not a URL: fall through to plain redaction.
  }
  return redact(out, secrets);
}
