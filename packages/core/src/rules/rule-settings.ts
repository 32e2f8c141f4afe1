import { summarize, type CheckReport, type Severity } from '../findings/finding.js';

/** Per-rule configuration: a severity that replaces the rule's own, or `off`. */
export type RuleSetting = Severity | 'off';

/** Applies rule settings to a report's findings and recounts its summary. */
export function applyRuleSettings(report: CheckReport, settings: Record<string, RuleSetting>): CheckReport {
  const findings = report.findings.flatMap((f) => {
    const s = settings[f.rule];
    if (s === 'off') return [];
    return s ? [{ ...f, severity: s }] : [f];
  });
  return { findings, summary: summarize(findings, report.summary.files, report.summary.statements) };
}
