import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
// The refs entry point, not the package index: `check` must not load the planner (intents, zod, yaml).
import * as api from '@switchback/core/refs';
import type { CodeSource } from '@switchback/core/refs';
import type { SchemaModel } from '@switchback/core';
import type { CheckReport, SqlSource } from '@switchback/core/check';
import { SwitchbackError } from '@switchback/engine/errors';
import { walkFiles } from './code-references.js';

/**
 * Directories never scanned for application code: dependencies, build output,
 * tool state, and migration histories (Rails `db/migrate`, EF `Migrations`,
 * Alembic `versions` live beside the migrations being checked, and name every
 * table without being code that runs against it).
 */
export const SKIPPED_DIRECTORIES = new Set(['node_modules', 'dist', 'build', 'out', 'target', 'vendor', 'coverage', 'bin', 'obj', '.git', '.hg', '.svn', '.next', '.nuxt', '.turbo', '.venv', 'venv', '__pycache__', '.switchback', 'migrations', 'migrate', 'Migrations']);

/** Files larger than this are generated or data, not application code. */
export const MAX_CODE_FILE_BYTES = 1_000_000;

const PROJECT_MARKERS = ['package.json', 'go.mod', 'pyproject.toml', 'setup.py', 'requirements.txt', 'Gemfile', 'pom.xml', 'build.gradle', 'build.gradle.kts', '.git'];

/**
 * The application that owns some migrations: the nearest directory above the
 * first of them with a project file (package.json, go.mod, pyproject.toml,
 * Gemfile, pom.xml, build.gradle, a .csproj/.sln) or a .git, looking no higher
 * than the working directory; else the working directory. In a monorepo that
 * is the app's own folder, not the whole repository.
 */
export function defaultCodeRoot(migrations: string[], cwd = process.cwd()): string {
  const first = migrations[0];
  if (!first) return cwd;
  const top = path.resolve(cwd);
  for (let dir = path.dirname(path.resolve(first)); ; dir = path.dirname(dir)) {
    let entries: string[] = [];
    try {
      entries = fs.readdirSync(dir);
    } catch {
      /* unreadable: keep climbing */
    }
    if (entries.some((e) => PROJECT_MARKERS.includes(e) || e.endsWith('.csproj') || e.endsWith('.sln'))) return dir;
    // Never above the working directory: the user is working inside it.
    if (dir === top || path.dirname(dir) === dir) return cwd;
  }
}

/**
 * The application's source files under `root` in the languages `check`
 * understands, read, with paths relative to `cwd`. Inside a git work tree the
 * files git tracks or would track are listed (so .gitignore is respected);
 * elsewhere the tree is walked. SKIPPED_DIRECTORIES and the `exclude` paths
 * (the migrations themselves) are left out either way.
 */
export function readCodeSources(root: string, exclude: string[], cwd = process.cwd()): CodeSource[] {
  codeDirectory(root);
  const excluded = exclude.map((p) => path.resolve(p));
  const isExcluded = (abs: string) => excluded.some((e) => abs === e || abs.startsWith(e + path.sep));
  const files = (gitFiles(root) ?? walkFiles(path.resolve(root), { skip: SKIPPED_DIRECTORIES })).filter((abs) => api.isCodeFile(abs) && !isExcluded(abs) && !path.relative(root, abs).split(path.sep).some((part) => SKIPPED_DIRECTORIES.has(part)));
  const out: CodeSource[] = [];
  for (const abs of files.sort()) {
    try {
      if (fs.statSync(abs).size > MAX_CODE_FILE_BYTES) continue;
      out.push({ file: path.relative(cwd, abs).split(path.sep).join('/'), text: fs.readFileSync(abs, 'utf8') });
    } catch {
      // Deleted since listing, or a dangling symlink: nothing to scan.
    }
  }
  return out;
}

/** Checks that --code names a directory (a usage error otherwise, whether or not any finding needs code). */
function codeDirectory(root: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(root);
  } catch {
    throw new SwitchbackError(`--code ${root}: no such directory. Point it at the application's source, e.g. --code src/`);
  }
  if (!stat.isDirectory()) throw new SwitchbackError(`--code ${root}: not a directory. Point it at the application's source, e.g. --code src/`);
}

/** Tracked and untracked-but-not-ignored files, or undefined outside a git work tree (or without git). */
function gitFiles(root: string): string[] | undefined {
  try {
    const listing = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z', '--', '.'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 256 * 1024 * 1024 });
    return [...new Set(listing.split('\0').filter(Boolean))].map((f) => path.join(path.resolve(root), f)).filter((f) => fs.existsSync(f));
  } catch {
    return undefined;
  }
}

export interface CodeReferencesOptions {
  /** `--code DIR`; false for `--no-code`; undefined for the default root. */
  code?: string | false;
  migrations: SqlSource[];
  applied: SqlSource[];
  schema?: SchemaModel;
  /** `--schema` when it is a path: migration history, not application code. */
  schemaPath?: string;
}

/**
 * Fills the references of old-code and rollback findings from the
 * application's code. Skipped (no parser loaded, no file read) when no finding
 * is about code or `--no-code` is given, so a clean run stays fast.
 */
export async function withCodeReferences(report: CheckReport, o: CodeReferencesOptions, cwd = process.cwd()): Promise<CheckReport> {
  if (typeof o.code === 'string') codeDirectory(o.code);
  if (o.code === false || !api.needsCodeReferences(report)) return report;
  const files = o.migrations.map((m) => m.file);
  const exclude = [...files.map((f) => (path.basename(f) === 'migration.sql' ? path.dirname(path.dirname(f)) : path.dirname(f))), ...(o.schemaPath && !/^postgres(ql)?:\/\//.test(o.schemaPath) ? [o.schemaPath] : [])];
  const root = o.code ?? defaultCodeRoot(files, cwd);
  const code = readCodeSources(root, exclude, cwd);
  try {
    return await api.addCodeReferences(report, { migrations: o.migrations, applied: o.applied, ...(o.schema ? { schema: o.schema } : {}), code });
  } catch (e) {
    throw new SwitchbackError(`Could not search the code under ${root} for references (${e instanceof Error ? e.message : String(e)}). Run check with --no-code to skip it, or --code DIR to search elsewhere.`);
  }
}
