/** What to do about a failed Bot API call. */
export type TelegramFailure =
  | { kind: 'rate_limited'; retryAfterMs: number }
  | { kind: 'bad_entities' }
  | { kind: 'not_modified' }
  | { kind: 'message_gone' }
  | { kind: 'chat_unreachable'; description: string }
  | { kind: 'rejected'; description: string }
  | { kind: 'transient'; description: string };

/** Classifies a telegraf TelegramError (or a network error) by the Bot API's documented codes and texts. */
export function classifyTelegramError(err: unknown): TelegramFailure {
  const e = err as { response?: { error_code?: number; description?: string; parameters?: { retry_after?: number } }; message?: string };
  const code = e.response?.error_code;
  const description = e.response?.description ?? e.message ?? String(err);
  if (code === undefined) return { kind: 'transient', description };
  if (code === 429) return { kind: 'rate_limited', retryAfterMs: Math.max(1, e.response?.parameters?.retry_after ?? 1) * 1000 };
  if (code >= 500) return { kind: 'transient', description };
  if (code === 403) return { kind: 'chat_unreachable', description };
  const d = description.toLowerCase();
  if (d.includes("can't parse entities") || d.includes('can\'t find end of the entity') || d.includes('entity')) return { kind: 'bad_entities' };
  if (d.includes('message is not modified')) return { kind: 'not_modified' };
  if (d.includes('message to edit not found') || d.includes("message can't be edited")) return { kind: 'message_gone' };
  if (d.includes('chat not found') || d.includes('user is deactivated') || d.includes('bot was blocked')) return { kind: 'chat_unreachable', description };
  return { kind: 'rejected', description };
}
