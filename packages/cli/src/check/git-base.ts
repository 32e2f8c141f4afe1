import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SwitchbackError } from '@switchback/engine/errors';

/** How a file differs between the merge base and the working tree. */
export type FileChange = 'added' | 'modified' | 'deleted';

/** The base branch a pull request merges into, as git sees it. */
export interface GitBase {
  /** Absolute path of the repository's top level. */
  root: string;
  /** The base as named (`origin/main`, `main`, a commit). */
  ref: string;
  /** The commit where the branch left the base: what production runs. */
  mergeBase: string;
  /** Files that differ from the merge base (working tree, staged or not, and untracked files), by repository-relative path. */
  changes: Map<string, FileChange>;
}

/** A --base (or config `base`) that git does not know. */
export class BaseRefNotFoundError extends SwitchbackError {
  constructor(readonly ref: string, readonly root: string) {
    super(`The base ${ref} does not exist in the git repository at ${root}. Fetch it (git fetch origin ${ref.replace(/^origin\//, '')}) or pass an existing branch or commit with --base.`);
  }
}

/** Runs git with an argument array (no shell); undefined when it fails. */
function git(cwd: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 256 * 1024 * 1024 });
  } catch {
    return undefined;
  }
}

/**
 * Finds the base of the current branch: `requested` if given (an error if git
 * does not know it), else origin/HEAD, main, master. Returns a note instead
 * when there is no repository or no base, so the caller can fall back.
 */
export function findGitBase(cwd: string, requested?: string): GitBase | { note: string } {
  const root = gitRoot(cwd);
  if (!root) return { note: `${cwd} is not in a git repository` };
  const exists = (ref: string) => git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]) !== undefined;
  let ref: string | undefined;
  if (requested) {
    if (!exists(requested)) throw new BaseRefNotFoundError(requested, root);
    ref = requested;
  } else {
    const originHead = git(root, ['rev-parse', '--abbrev-ref', 'origin/HEAD'])?.trim();
    ref = [originHead, 'main', 'master'].find((r): r is string => !!r && r !== 'origin/HEAD' && exists(r));
  }
  if (!ref) return { note: 'no base branch found (tried origin/HEAD, main, master; pass --base)' };
  const mergeBase = git(root, ['merge-base', 'HEAD', ref])?.trim();
  if (!mergeBase) return { note: `the current branch has no common history with ${ref}` };
  return { root, ref, mergeBase, changes: changesSince(root, mergeBase) };
}

/** The top level of the repository `cwd` is in, if any. */
export function gitRoot(cwd: string): string | undefined {
  return git(cwd, ['rev-parse', '--show-toplevel'])?.trim() || undefined;
}

function changesSince(root: string, mergeBase: string): Map<string, FileChange> {
  const changes = new Map<string, FileChange>();
  // -z: paths verbatim (no quoting of unusual names); renames reported as delete + add.
  const fields = (git(root, ['diff', '--name-status', '--no-renames', '-z', mergeBase, '--']) ?? '').split('\0');
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const status = fields[i] ?? '';
    const file = fields[i + 1] ?? '';
    if (status.startsWith('A')) changes.set(file, 'added');
    else if (status.startsWith('D')) changes.set(file, 'deleted');
    else if (status) changes.set(file, 'modified');
  }
  for (const file of (git(root, ['ls-files', '--others', '--exclude-standard', '-z']) ?? '').split('\0')) if (file) changes.set(file, 'added');
  return changes;
}

/** Repository-relative path (with `/`) of a file or directory. */
export function repoPath(base: GitBase, file: string): string {
  // git prints the real path of the top level; resolve symlinks (e.g. a temp directory) the same way.
  let real = path.resolve(file);
  try {
    real = fs.realpathSync(real);
  } catch {
    // A file deleted in the working tree: its directory still resolves.
    real = path.join(fs.realpathSync(path.dirname(real)), path.basename(real));
  }
  return path.relative(base.root, real).split(path.sep).join('/');
}

/** Files under a directory at the merge base, relative to that directory. */
export function filesAtBase(base: GitBase, dir: string): string[] {
  const prefix = repoPath(base, dir);
  const out = git(base.root, ['ls-tree', '-r', '--name-only', '-z', base.mergeBase, '--', prefix ? `${prefix}/` : '.']) ?? '';
  return out
    .split('\0')
    .filter(Boolean)
    .map((f) => (prefix ? f.slice(prefix.length + 1) : f));
}

/** A file's text at the merge base (what production ran), or undefined if it did not exist there. */
export function readAtBase(base: GitBase, file: string): string | undefined {
  return git(base.root, ['show', `${base.mergeBase}:${repoPath(base, file)}`]);
}
