import fs from 'node:fs';
import { ChangeFileError, DEFAULT_POLICY, parsePolicyFile, POLICY_FILE, type Policy, type PolicyActor } from '@switchback/core';

/** The policy in force: `--policy FILE`, else ./switchback.policy.yaml when present, else the default policy. */
export function loadPolicy(file: string | undefined): { policy: Policy; source: string } {
  const path = file ?? (fs.existsSync(POLICY_FILE) ? POLICY_FILE : undefined);
  if (!path) return { policy: DEFAULT_POLICY, source: `the default policy (no ${POLICY_FILE})` };
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ChangeFileError([{ file: path, line: 1, column: 1, field: '', message: code === 'ENOENT' ? `no such policy file (relative to ${process.cwd()})` : `cannot read it (${code ?? String(e)})` }]);
  }
  const r = parsePolicyFile(text, path);
  if (!r.ok) throw new ChangeFileError(r.problems);
  return { policy: r.policy, source: path };
}

/** Options of commands that act under the policy. */
export interface ActorOptions {
  role?: string;
  agent?: boolean;
  policy?: string;
}

/** Who acts, as the policy sees it: an agent (--agent or SWITCHBACK_ACTOR_KIND=agent) or a human with an optional role. */
export function policyActor(o: ActorOptions, name: string): PolicyActor {
  if (o.agent || process.env.SWITCHBACK_ACTOR_KIND === 'agent') return { kind: 'agent', name };
  return { kind: 'human', name, ...(o.role ? { role: o.role } : {}) };
}

/**
 * The policy `advance` and `rollback` enforce: only one the repository has
 * (a file, or --policy). Without one, people act as before; the watcher
 * still follows the default policy.
 */
export function enforcedPolicy(o: ActorOptions): Policy | undefined {
  if (!o.policy && !fs.existsSync(POLICY_FILE)) return undefined;
  return loadPolicy(o.policy).policy;
}
