/**
 * Where application code reads and writes the tables a migration changes:
 * everything `switchback check` needs from refs/, in one place.
 */
export { addCodeReferences, needsCodeReferences, referencesFor, statementTouches, type CodeReferencesInput, type Touch } from './finding-references.js';
export { scanCode, knownTables, type CodeSource, type ScanCodeOptions } from './scan-code.js';
export { isCodeFile, languageOf, type CodeLanguage } from './code-parser.js';
export type { CodeAccess } from './code-accesses.js';
export { referencesSentence } from '../findings/reference-sentence.js';
