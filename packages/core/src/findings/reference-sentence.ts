import type { Finding, FindingReference } from './finding.js';

/** How many code symbols a message names before it says "and N more". */
export const MAX_NAMED_SYMBOLS = 4;

/**
 * The application code a finding breaks, in one sentence:
 * `This change modifies the persisted representation used by
 * SupportCustomerReader (src/customers/reader.ts:23, reads) and ContractWriter
 * (src/contracts/contract-writer.ts:60, 61, writes).` Undefined without references.
 */
export function referencesSentence(references: FindingReference[]): string | undefined {
  if (!references.length) return undefined;
  const bySymbol = new Map<string, FindingReference[]>();
  for (const r of references) bySymbol.set(r.symbol, [...(bySymbol.get(r.symbol) ?? []), r]);
  const named = [...bySymbol].slice(0, MAX_NAMED_SYMBOLS).map(([symbol, refs]) => `${symbol} (${where(refs)}, ${verb(refs)})`);
  const more = bySymbol.size - named.length;
  const parts = more > 0 ? [...named, `${more} more`] : named;
  const joined = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : parts[0];
  return `This change modifies the persisted representation used by ${joined}.`;
}

/** A finding's message followed by the references sentence, for formats a person reads. */
export function messageWithReferences(f: Finding): string {
  const sentence = referencesSentence(f.references);
  return sentence ? `${f.message} ${sentence}` : f.message;
}

/** `a.ts:3, 9; b.ts:4`: each file once, its lines in order. */
function where(refs: FindingReference[]): string {
  const byFile = new Map<string, number[]>();
  for (const r of refs) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r.line]);
  return [...byFile].map(([file, lines]) => `${file}:${[...new Set(lines)].sort((a, b) => a - b).join(', ')}`).join('; ');
}

function verb(refs: FindingReference[]): string {
  const reads = refs.some((r) => r.access === 'read');
  const writes = refs.some((r) => r.access === 'write');
  return reads && writes ? 'reads and writes' : writes ? 'writes' : 'reads';
}
