import type { QualityReport } from './check-bars.js';

/**
 * One-paragraph plain-text summary of a quality report, suitable for a chat
 * reply or a log line: headline counts, then up to `maxIssues` issues.
 */
export function formatQualityReport(report: QualityReport, maxIssues = 10): string {
  const dropped = report.issues.filter((i) => i.dropped).length;
  const head = report.ok
    ? `${report.symbol}: ${report.total} bars, no issues`
    : `${report.symbol}: ${report.total} bars, ${report.issues.length} issue(s), ${dropped} bar(s) dropped, ${report.clean.length} usable`;
  if (report.ok) return head;
  const counts = new Map<string, number>();
  for (const i of report.issues) counts.set(i.kind, (counts.get(i.kind) ?? 0) + 1);
  const byKind = [...counts].map(([k, n]) => `${k} ×${n}`).join(', ');
  const lines = report.issues
    .slice(0, maxIssues)
    .map((i) => `  ${i.date} ${i.kind}${i.dropped ? ' (dropped)' : ''}: ${i.detail}`);
  const more = report.issues.length - lines.length;
  if (more > 0) lines.push(`  … and ${more} more`);
  return [`${head} [${byKind}]`, ...lines].join('\n');
}
