import { formatDuration } from '../util/duration.js';
import type { AppChange, FlagChange, FlagState, Gate, Phase, Plan, RolloutSpec, Step, Verification } from './plan.js';

/** Prose lines wrap at this width; SQL and code sketches are printed as they are. */
export const TEXT_WIDTH = 100;

export interface RenderTextOptions {
  /** Use ANSI colour codes. The CLI decides (TTY, NO_COLOR); the default is plain text. */
  color?: boolean;
  /** Print the SQL of each step and the code sketch of each app change. */
  verbose?: boolean;
}

/**
 * A plan for a terminal: a header, then each phase with its gates, steps, way back,
 * verification, flags, rollout and app changes.
 *
 * @example
 * const result = planChange(change, schema);
 * if (result.ok) process.stdout.write(renderPlanText(result.plan, { color: process.stdout.isTTY }));
 */
export function renderPlanText(plan: Plan, options: RenderTextOptions = {}): string {
  const r: Renderer = { paint: painter(options.color ?? false), verbose: options.verbose ?? false };
  const blocks = [header(r, plan), ...plan.phases.map((phase, i) => phaseBlock(r, phase, i + 1))];
  return blocks.map((lines) => lines.join('\n')).join('\n\n') + '\n';
}

/**
 * A flag state as a person says it: `off`, `on 1%`, `on 100% + tenants acme, globex`.
 *
 * @example formatFlagState({ enabled: true, rolloutBps: 100 }) // 'on 1%'
 */
export function formatFlagState(state: FlagState | 'remove'): string {
  if (state === 'remove') return 'removed';
  if (!state.enabled) return 'off';
  const tenants = state.allowTenants?.length ? ` + tenants ${state.allowTenants.join(', ')}` : '';
  return `on ${state.rolloutBps / 100}%${tenants}`;
}

/** `ReadContractDetailsFromCustomer: off → on 1%`. */
export function formatFlagChange(change: FlagChange): string {
  return `${change.flag}: ${formatFlagState(change.backward)} → ${formatFlagState(change.forward)}`;
}

/** `1% → 10% → 50% → 100%`. */
export function formatRollout(rollout: RolloutSpec): string {
  return rollout.steps.map((p) => `${p}%`).join(' → ');
}

type Paint = (style: keyof typeof STYLES, text: string) => string;

interface Renderer {
  paint: Paint;
  verbose: boolean;
}

const STYLES = {
  bold: '1',
  phase: '1;36',
  id: '90',
  code: '90',
  flag: '35',
  warn: '33',
  forward: '32',
  backward: '31',
  label: '1',
} as const;

function painter(color: boolean): Paint {
  return (style, text) => (color && text ? `\x1b[${STYLES[style]}m${text}\x1b[0m` : text);
}

function header(r: Renderer, plan: Plan): string[] {
  const lines = [
    `${r.paint('bold', plan.change)}: ${plan.title}`,
    `intent ${plan.intent} · sync ${plan.sync} · lock_timeout ${formatDuration(plan.lockTimeoutMs)}`,
  ];
  for (const flag of plan.flags) lines.push(...item(r, 0, 'flag ' + flag.name, flag.purpose, 'flag', ': '));
  for (const note of plan.notes) lines.push(...item(r, 0, 'warning', note, 'warn', ': '));
  return lines;
}

function phaseBlock(r: Renderer, phase: Phase, n: number): string[] {
  return [
    `${r.paint('phase', `${n} ${phase.id}`)} — ${r.paint('bold', phase.title)}`,
    ...wrap(phase.summary, 2),
    ...section(r, 'gates (before entering)', 'label', phase.gates.flatMap((g) => gateLines(r, g))),
    ...section(r, 'forward', 'forward', phase.forward.flatMap((s) => stepLines(r, s))),
    ...section(r, 'backward', 'backward', [
      ...phase.backward.flatMap((s) => stepLines(r, s)),
      ...item(r, 4, 'back out', phase.backout, 'label', ': '),
    ]),
    ...section(r, 'verify', 'label', phase.verify.flatMap((v) => verificationLines(r, v))),
    ...section(r, 'flags', 'label', phase.flags.flatMap((f) => wrap(formatFlagChange(f), 4).map((l) => r.paint('flag', l)))),
    ...section(r, 'rollout', 'label', phase.rollout ? wrap(`${phase.rollout.flag}: ${formatRollout(phase.rollout)}`, 4) : []),
    ...section(r, 'app changes', 'label', phase.app.flatMap((a) => appLines(r, a))),
  ];
}

/** A labelled section, left out when it has nothing to say. */
function section(r: Renderer, label: string, style: keyof typeof STYLES, body: string[]): string[] {
  return body.length ? [`  ${r.paint(style, label)}`, ...body] : [];
}

function gateLines(r: Renderer, gate: Gate): string[] {
  return item(r, 4, gate.id, gate.description);
}

function stepLines(r: Renderer, step: Step): string[] {
  const lines = item(r, 4, step.id, step.description);
  if (!r.verbose) return lines;
  return [...lines, ...code(r, stepCode(step))];
}

/** What a step runs, as text: its SQL, one backfill batch, or nothing. */
function stepCode(step: Step): string | undefined {
  switch (step.kind) {
    case 'sql':
      return step.sql;
    case 'concurrent':
      return step.statements.join('\n');
    case 'backfill':
      return `-- one batch: ${step.backfill.table}.${step.backfill.key} in $1..$2\n${step.backfill.batchSql}`;
    case 'flag':
    case 'pause':
      return undefined;
  }
}

function verificationLines(r: Renderer, v: Verification): string[] {
  const lines = item(r, 4, v.id, v.description);
  if (!r.verbose) return lines;
  return [...lines, ...code(r, v.kind === 'query-empty' ? v.sql : `-- old\n${v.oldSql}\n-- new\n${v.newSql}`)];
}

function appLines(r: Renderer, app: AppChange): string[] {
  const label = app.flag ? `${app.side}, behind ${app.flag}` : app.side;
  const lines = item(r, 4, label, app.summary, 'label', ': ');
  return r.verbose ? [...lines, ...code(r, app.sketch)] : lines;
}

/** Code indented under its item, each line as written (never wrapped). */
function code(r: Renderer, text: string | undefined): string[] {
  if (!text) return [];
  return text.split('\n').map((line) => (line ? r.paint('code', `        ${line}`) : ''));
}

/**
 * `<indent><name><sep><text>`, wrapped with a hanging indent of two (code sits deeper, at
 * eight); only the name is coloured.
 */
function item(r: Renderer, indent: number, name: string, text: string, style: keyof typeof STYLES = 'id', sep = '  '): string[] {
  const lead = ' '.repeat(indent) + name + sep;
  const lines = wrap(text, indent + 2, lead);
  lines[0] = ' '.repeat(indent) + r.paint(style, name) + (lines[0] ?? '').slice(indent + name.length);
  return lines;
}

/**
 * Words of `text` in lines of at most TEXT_WIDTH characters; the first line starts with
 * `lead` (default: the indent), the others with `indent` spaces. A word longer than a line
 * stays whole.
 */
function wrap(text: string, indent: number, lead = ' '.repeat(indent)): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  let line = lead;
  let empty = true;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (!empty && line.length + 1 + word.length > TEXT_WIDTH) {
      lines.push(line);
      line = pad;
      empty = true;
    }
    line += (empty ? '' : ' ') + word;
    empty = false;
  }
  lines.push(line);
  return lines;
}
