/**
 * Gaps in KR bars, against the KRX calendar. The quality checks' `gap` rule
 * counts missing weekdays, tuned to NYSE (a holiday closes it one weekday at a
 * time); KRX closes for up to five weekdays around Chuseok and Seollal, so
 * that rule would warn about complete KR files. KR imports switch it off and
 * ask the calendar instead: any KRX session without a bar between two bars is
 * a gap, reported (not dropped) in the same shape.
 */
import { XKRX_CALENDAR } from '../../engine/calendar/exchange.js';
import type { QualityIssue } from '../market-data/quality/check-bars.js';

/**
 * `gap` warnings for sorted, distinct KR bar dates inside the KRX calendar's years (the CSV
 * rules refuse others first): one per pair of consecutive bars with KRX sessions between them.
 */
export function krxGapIssues(dates: readonly string[]): QualityIssue[] {
  const out: QualityIssue[] = [];
  for (let i = 1; i < dates.length; i++) {
    const a = dates[i - 1]!;
    const b = dates[i]!;
    // sessionsBetween is inclusive of both ends, which are sessions themselves.
    const missing = XKRX_CALENDAR.sessionsBetween(a, b).filter((d) => d !== a && d !== b).length;
    if (missing > 0) out.push({ date: b, kind: 'gap', detail: `${missing} KRX session${missing === 1 ? '' : 's'} missing after ${a}`, dropped: false });
  }
  return out;
}
