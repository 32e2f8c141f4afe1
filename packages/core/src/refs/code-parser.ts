import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Language, Parser, Tree } from '@vscode/tree-sitter-wasm';

/** The application languages whose code `check` scans for references. */
export type CodeLanguage = 'typescript' | 'tsx' | 'javascript' | 'python' | 'go' | 'java' | 'csharp' | 'ruby';

const EXTENSIONS: Record<string, CodeLanguage> = {
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.tsx': 'tsx',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsx': 'javascript',
  '.py': 'python',
  '.go': 'go',
  '.java': 'java',
  '.cs': 'csharp',
  '.rb': 'ruby',
};

/** The grammar file of each language in @vscode/tree-sitter-wasm. */
const GRAMMARS: Record<CodeLanguage, string> = {
  typescript: 'tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-tsx.wasm',
  javascript: 'tree-sitter-javascript.wasm',
  python: 'tree-sitter-python.wasm',
  go: 'tree-sitter-go.wasm',
  java: 'tree-sitter-java.wasm',
  csharp: 'tree-sitter-c-sharp.wasm',
  ruby: 'tree-sitter-ruby.wasm',
};

/** The language of a source file by its extension (`.d.ts` declarations hold no queries), or undefined. */
export function languageOf(file: string): CodeLanguage | undefined {
  if (file.endsWith('.d.ts')) return undefined;
  return EXTENSIONS[path.extname(file).toLowerCase()];
}

/** A file extension `check` scans, for callers that walk directories. */
export function isCodeFile(file: string): boolean {
  return languageOf(file) !== undefined || file.endsWith('.prisma');
}

type TreeSitter = typeof import('@vscode/tree-sitter-wasm');

let runtime: Promise<{ ts: TreeSitter; dir: string }> | undefined;
const languages = new Map<CodeLanguage, Promise<Language>>();

/**
 * The tree-sitter runtime and grammars ship as WebAssembly inside the
 * @vscode/tree-sitter-wasm package: nothing is downloaded, and nothing is
 * loaded until the first file needs parsing, so `check` starts fast.
 */
function loadRuntime(): Promise<{ ts: TreeSitter; dir: string }> {
  runtime ??= (async () => {
    const require = createRequire(import.meta.url);
    const dir = path.dirname(require.resolve('@vscode/tree-sitter-wasm'));
    const ts = require('@vscode/tree-sitter-wasm') as TreeSitter;
    await ts.Parser.init({ locateFile: (file: string) => path.join(dir, file) });
    return { ts, dir };
  })();
  return runtime;
}

/** A parser for one language, loading its grammar on first use. */
export async function codeParser(language: CodeLanguage): Promise<Parser> {
  const { ts, dir } = await loadRuntime();
  let lang = languages.get(language);
  if (!lang) {
    // Read synchronously: a few hundred kilobytes, and one less trip through the event loop on a busy machine.
    lang = ts.Language.load(fs.readFileSync(path.join(dir, GRAMMARS[language])));
    languages.set(language, lang);
  }
  const parser = new ts.Parser();
  parser.setLanguage(await lang);
  return parser;
}

/** Parses source text; tree-sitter recovers from syntax errors, so a tree always comes back for a loaded grammar. */
export async function parseCode(language: CodeLanguage, text: string): Promise<Tree> {
  const parser = await codeParser(language);
  try {
    const tree = parser.parse(text);
    if (!tree) throw new Error(`tree-sitter returned no tree for a ${language} file`);
    return tree;
  } finally {
    parser.delete();
  }
}
