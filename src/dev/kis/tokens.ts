import { randomBytes } from 'node:crypto';
import { kstDateTime } from './kst.js';
import { KisReply, REFUSALS, tokenRefusal } from './wire.js';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** KIS hands back the same token when asked again within 6 h of issuing it (kis_auth.py). */
const REUSE_MS = 6 * 3_600_000;

interface Token {
  value: string;
  issuedAt: number;
  expiresAt: number;
}

/** Token counters shared with the emulator's `counters()`. */
export interface TokenCounters {
  tokenCalls: number;
  tokensIssued: number;
  tokenRefusals: number;
}

/**
 * The access tokens of one app key: issuing (24 h life, one issuing request
 * a minute, the same token within 6 h) and checking bearer tokens.
 */
export class TokenStore {
  private readonly tokens = new Map<string, Token>();
  private current: Token | undefined;
  /** When the last request that got a 200 came in; the 1-a-minute rule counts from it. */
  private lastIssueRequestAt: number | undefined;

  constructor(
    private readonly appKey: string,
    private readonly appSecret: string,
    private readonly counters: TokenCounters,
  ) {}

  /** Answers POST /oauth2/tokenP with the raw JSON body. */
  request(raw: string, now: number): KisReply {
    this.counters.tokenCalls++;
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return tokenRefusal('EGW00002', '요청 본문이 JSON이 아닙니다.');
    }
    if (body['appkey'] !== this.appKey || body['appsecret'] !== this.appSecret) {
      return tokenRefusal('EGW00103', '유효하지 않은 AppKey입니다.');
    }
    if (body['grant_type'] !== 'client_credentials') return tokenRefusal('EGW00002', 'grant_type은 client_credentials여야 합니다.');
    if (this.lastIssueRequestAt !== undefined && now - this.lastIssueRequestAt < MINUTE_MS) {
      this.counters.tokenRefusals++;
      return tokenRefusal('EGW00133', '접근토큰 발급 잠시 후 다시 시도하세요(1분당 1회)');
    }
    this.lastIssueRequestAt = now;
    const cur = this.current;
    const token = cur !== undefined && now - cur.issuedAt < REUSE_MS && now < cur.expiresAt ? cur : this.issue(now);
    return new KisReply(200, {
      access_token: token.value,
      access_token_token_expired: kstDateTime(token.expiresAt),
      token_type: 'Bearer',
      // A re-returned token: the seconds it has left (README: guess).
      expires_in: Math.floor((token.expiresAt - now) / 1000),
    });
  }

  /** Checks an `authorization` header; undefined when the bearer token is live. */
  check(authorization: string | undefined, now: number): KisReply | undefined {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const t = m ? this.tokens.get(m[1]!) : undefined;
    if (!t) return REFUSALS.invalidToken();
    if (now >= t.expiresAt) return REFUSALS.expiredToken();
    return undefined;
  }

  private issue(now: number): Token {
    const t: Token = { value: `eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzUxMiJ9.${randomBytes(48).toString('base64url')}`, issuedAt: now, expiresAt: now + DAY_MS };
    this.tokens.set(t.value, t);
    this.current = t;
    this.counters.tokensIssued++;
    return t;
  }
}
