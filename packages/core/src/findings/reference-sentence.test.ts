import { describe, expect, it } from 'vitest';
import type { CheckReport, Finding, FindingReference } from './finding.js';
import { formatReport } from './format-report.js';
import { referencesSentence } from './reference-sentence.js';

const reader: FindingReference = { file: 'src/customers/reader.ts', line: 42, symbol: 'SupportCustomerReader', access: 'read' };
const writer = (line: number): FindingReference => ({ file: 'src/contracts/writer.ts', line, symbol: 'ContractWriter', access: 'write' });

describe('referencesSentence', () => {
  it('names each symbol once with where and how it uses the table, in the seed words', () => {
    expect(referencesSentence([reader, writer(9), writer(3)])).toBe(
      'This change modifies the persisted representation used by SupportCustomerReader (src/customers/reader.ts:42, reads) and ContractWriter (src/contracts/writer.ts:3, 9, writes).',
    );
  });

  it('says "reads and writes" for a symbol that does both, across files', () => {
    expect(referencesSentence([reader, { ...reader, file: 'src/b.ts', line: 1, access: 'write' }])).toBe(
      'This change modifies the persisted representation used by SupportCustomerReader (src/customers/reader.ts:42; src/b.ts:1, reads and writes).',
    );
  });

  it('counts the symbols past the fourth', () => {
    const many = ['A', 'B', 'C', 'D', 'E', 'F'].map((symbol, i) => ({ ...reader, symbol, line: i + 1 }));
    expect(referencesSentence(many)).toMatch(/used by A \(.*\), B \(.*\), C \(.*\), D \(.*\) and 2 more\.$/);
  });

  it('is undefined without references', () => {
    expect(referencesSentence([])).toBeUndefined();
  });
});

describe('formats with references', () => {
  const finding: Finding = { rule: 'drop-table', impacts: ['old-code', 'rollback'], severity: 'error', file: 'm.sql', line: 7, column: 1, message: 'Dropping support_contract breaks the previous app version.', suggestion: 'Do it in phases.', references: [reader, writer(63)] };
  const report: CheckReport = { findings: [finding], summary: { files: 1, statements: 1, errors: 1, warnings: 0 } };
  const sentence = 'used by SupportCustomerReader (src/customers/reader.ts:42, reads) and ContractWriter (src/contracts/writer.ts:63, writes).';

  it.each(['human', 'markdown', 'github', 'sarif'] as const)('%s names the code in the message', (format) => {
    expect(formatReport(report, format)).toContain(`Dropping support_contract breaks the previous app version. This change modifies the persisted representation ${sentence}`);
  });

  it('json keeps the message as it is and lists the references', () => {
    const json = JSON.parse(formatReport(report, 'json')) as { findings: Finding[] };
    expect(json.findings[0]?.message).toBe(finding.message);
    expect(json.findings[0]?.references).toEqual([reader, writer(63)]);
  });

  it('sarif points at each reference as a related location', () => {
    const sarif = JSON.parse(formatReport(report, 'sarif')) as { runs: { results: { relatedLocations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } }; message: { text: string } }[] }[] }[] };
    expect(sarif.runs[0]?.results[0]?.relatedLocations.map((l) => [l.physicalLocation.artifactLocation.uri, l.physicalLocation.region.startLine, l.message.text])).toEqual([
      ['src/customers/reader.ts', 42, 'SupportCustomerReader reads it'],
      ['src/contracts/writer.ts', 63, 'ContractWriter writes it'],
    ]);
  });
});
