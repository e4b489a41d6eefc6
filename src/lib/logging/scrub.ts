/** Anything shaped like a Telegram bot token, even one we were not told about. */
const TOKEN_SHAPE = /(?<![0-9])\d{6,12}:[A-Za-z0-9_-]{30,}/g;

/**
 * Returns a function that removes every known secret (and anything shaped like
 * a bot token) from a string. Used on every log line and on error texts shown
 * to users, because library errors (e.g. a failed fetch) embed request URLs
 * that contain the bot token.
 */
export function makeScrubber(secrets: readonly string[]): (text: string) => string {
  const known = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  const encoded = known.flatMap((s) => {
    const e = encodeURIComponent(s);
    return e === s ? [] : [e];
  });
  const all = [...known, ...encoded];
  return (text: string) => {
    let out = text;
    for (const s of all) if (out.includes(s)) out = out.split(s).join('[REDACTED]');
    return out.replace(TOKEN_SHAPE, '[REDACTED]');
  };
}
