import { editedAppliedMigrationRule } from '../rules/edited-applied-migration.js';
import { IGNORE_WITHOUT_REASON, rules as allRules } from '../rules/index.js';
import type { CheckReport } from './finding.js';
import { messageWithReferences } from './reference-sentence.js';

/**
 * SARIF 2.1.0 (for GitHub code scanning and other viewers): one run, every
 * rule of the catalogue in the driver, one result per finding.
 * https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 */
export function formatSarif(report: CheckReport, version = '0.1.0'): string {
  const catalogue = [...allRules.map((r) => ({ id: r.id, title: r.title, severity: r.severity, impacts: r.impacts as string[] })), { id: IGNORE_WITHOUT_REASON, title: 'switchback:ignore comment without a reason', severity: 'warning' as const, impacts: [] }, { ...editedAppliedMigrationRule, impacts: [...editedAppliedMigrationRule.impacts] as string[] }];
  const index = new Map(catalogue.map((r, i) => [r.id, i]));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'switchback',
            version,
            rules: catalogue.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase()),
              shortDescription: { text: r.title },
              defaultConfiguration: { level: r.severity === 'info' ? 'note' : r.severity },
              properties: { impacts: r.impacts },
            })),
          },
        },
        results: report.findings.map((f) => ({
          ruleId: f.rule,
          ...(index.has(f.rule) ? { ruleIndex: index.get(f.rule) } : {}),
          level: f.severity === 'info' ? 'note' : f.severity,
          message: { text: `${messageWithReferences(f)} Instead: ${f.suggestion}` },
          locations: [{ physicalLocation: { artifactLocation: { uri: fileUri(f.file) }, region: { startLine: f.line, startColumn: f.column } } }],
          // The application code that uses what the statement changes.
          ...(f.references.length ? { relatedLocations: f.references.map((r, id) => ({ id, physicalLocation: { artifactLocation: { uri: fileUri(r.file) }, region: { startLine: r.line } }, message: { text: `${r.symbol} ${r.access}s it` } })) } : {}),
          properties: { impacts: f.impacts, suggestion: f.suggestion, ...(f.lock ? { lock: f.lock } : {}) },
        })),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

/** A relative path as a SARIF URI reference: forward slashes, each segment percent-encoded (spaces, %, non-ASCII). */
function fileUri(file: string): string {
  return file.split(/[\\/]/).map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)).join('/');
}
