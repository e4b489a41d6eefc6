/** What one readiness probe found. */
export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, unknown>;
}

/** The latest probe result as /readyz serves it. */
export interface ReadinessView {
  /** The probe said ready AND its result is fresh (younger than the stale limit). */
  ready: boolean;
  /** The probe's detail (empty before the first probe finished). */
  checks: Record<string, unknown>;
  /** When the served result was taken (epoch ms); null before the first probe finished. */
  checkedAt: number | null;
  /** The result is older than the stale limit: the prober is wedged or stopped. */
  stale: boolean;
}

/** Timing of a {@link ReadinessSnapshot}. */
export interface ReadinessSnapshotOptions {
  /** Pause between the end of one probe and the start of the next. */
  refreshMs: number;
  /** A result older than this counts as not ready (default 3 refresh periods). */
  staleAfterMs?: number;
  /** Clock (tests). */
  now?: () => number;
}

/** The readiness refresh period: often enough for load balancers, rare enough to cost nothing. */
export const READINESS_REFRESH_MS = 2_000;

/**
 * Readiness from a background prober: one probe at a time, `refreshMs` after
 * the previous one ended, so a flood of /readyz requests costs no Postgres or
 * Redis round trip (probing per request exhausted the pools and turned into
 * 503s under load). Requests read the last result; a result older than
 * `staleAfterMs` reads as not ready, so a prober stuck on a hung dependency
 * cannot keep reporting the last "ready" forever.
 */
export class ReadinessSnapshot {
  private last: { report: ReadinessReport; at: number } | null = null;
  private first: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private stopped = true;
  private readonly staleAfterMs: number;
  private readonly now: () => number;

  constructor(
    private readonly probe: () => Promise<ReadinessReport>,
    private readonly opts: ReadinessSnapshotOptions,
  ) {
    this.staleAfterMs = opts.staleAfterMs ?? opts.refreshMs * 3;
    this.now = opts.now ?? Date.now;
  }

  /** Starts probing now and then every refresh period; idempotent. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    // A probe still in flight from before a stop() schedules the next one itself when it ends.
    if (this.running) return;
    const run = this.runOnce();
    this.first ??= run;
  }

  /** Stops scheduling probes (a probe in flight finishes on its own; its result is kept). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * The current view. Before the first result exists, waits for the first
   * probe (already running; never starts one) at most the stale limit, so a
   * request right after start-up does not read "not ready" for no reason.
   */
  async read(): Promise<ReadinessView> {
    if (!this.last && this.first) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.first, new Promise<void>((r) => (timer = setTimeout(r, this.staleAfterMs)))]);
      clearTimeout(timer);
    }
    return this.view();
  }

  /** The current view without waiting. */
  view(): ReadinessView {
    if (!this.last) return { ready: false, checks: {}, checkedAt: null, stale: true };
    const stale = this.now() - this.last.at > this.staleAfterMs;
    return { ready: this.last.report.ready && !stale, checks: this.last.report.checks, checkedAt: this.last.at, stale };
  }

  private async runOnce(): Promise<void> {
    this.running = true;
    let report: ReadinessReport;
    try {
      report = await this.probe();
    } catch (err) {
      report = { ready: false, checks: { error: err instanceof Error ? err.message : String(err) } };
    }
    this.last = { report, at: this.now() };
    this.running = false;
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.runOnce(), this.opts.refreshMs);
    // The prober must not keep a process alive that is otherwise done.
    this.timer.unref();
  }
}
