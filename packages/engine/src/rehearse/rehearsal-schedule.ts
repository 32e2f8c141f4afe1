import type { Access, Plan } from '@switchback/core';

/** An app version: `old` is the code deployed before the change, `new` the code written for its end state. */
export type AppVersion = 'old' | 'new';
export const APP_VERSIONS: readonly AppVersion[] = ['old', 'new'];

/** A state of the change: -1 = nothing applied (start), otherwise the index of the applied phase. */
export type State = number;

export interface Windows {
  /** The last state the old version may run in. */
  oldUntil: State;
  /** The first state the new version may run in. */
  newFrom: State;
}

/**
 * Where each app version may run, read from the plan alone:
 * - the old version runs until the phase that needs it gone: the first with an
 *   `app-versions` gate, or the `contract` phase (which removes the old shape);
 *   with neither, it runs throughout;
 * - the new version runs from the phase where reads may switch: the first
 *   with a rollout, a read-side application change or the id `read-switch`;
 *   with none, from the phase where the old version must be gone, or else the
 *   last phase (once every step is applied).
 */
export function versionWindows(plan: Plan): Windows {
  const n = plan.phases.length;
  const retire = plan.phases.findIndex((p) => p.id === 'contract' || p.gates.some((g) => g.kind === 'app-versions'));
  const reads = plan.phases.findIndex((p) => p.id === 'read-switch' || !!p.rollout || p.app.some((a) => a.side === 'read'));
  return { oldUntil: retire === -1 ? n - 1 : retire - 1, newFrom: reads !== -1 ? reads : retire !== -1 ? retire : n - 1 };
}

export function mayRun(w: Windows, v: AppVersion, s: State): boolean {
  return v === 'old' ? s <= w.oldUntil : s >= w.newFrom;
}

/**
 * While the change moves between two states, a version runs only if it may
 * run at both (nobody deploys the new version before its phase is applied,
 * or keeps the old one while its shape is being removed).
 */
export function runsDuring(w: Windows, v: AppVersion, from: State, to: State): boolean {
  return mayRun(w, v, from) && mayRun(w, v, to);
}

export interface Edge {
  /** Index of the phase entered (forward) or undone (backward). */
  phase: number;
  direction: 'forward' | 'backward';
}

/** The state an edge ends in. */
export function edgeTarget(e: Edge): State {
  return e.direction === 'forward' ? e.phase : e.phase - 1;
}

/**
 * The order in which the rehearsal takes the plan's edges. Every (phase,
 * direction) edge is taken while that phase is the furthest one applied,
 * which is when a rollback is really needed: forward into P, back out of P,
 * forward into P again, then on to P + 1. With `returnToStart` the change
 * then rolls back from the last phase all the way to the start, which takes
 * every backward edge a second time, from the state the later phases' own
 * rollbacks left. That is 3n (+ n) transitions instead of the n(n + 1) of
 * "for each P: forward to P, back to the start", and it covers the same edges.
 */
export function rehearsalSchedule(phases: number, o: { returnToStart: boolean }): Edge[] {
  const edges: Edge[] = [];
  for (let p = 0; p < phases; p++) edges.push({ phase: p, direction: 'forward' }, { phase: p, direction: 'backward' }, { phase: p, direction: 'forward' });
  if (o.returnToStart) for (let p = phases - 1; p >= 0; p--) edges.push({ phase: p, direction: 'backward' });
  return edges;
}

/** Whether a cell (phase × direction × version) has anything to check: the version runs in the state the edge ends in. */
export function cellApplies(w: Windows, e: Edge, v: AppVersion): boolean {
  return mayRun(w, v, edgeTarget(e));
}

/**
 * What a version touches in a state. The old version keeps the access of the
 * start (the first phase's, before any switch) limited to the tables of the
 * shape before (a table the change creates or renames to is not the old
 * code's), and the shape before; the new version follows the access of the
 * applied phase with the shape after. Tables written only by a trigger or
 * marked stopped are not app writes, and a write behind a flag (an app's
 * dual-write) only happens while `flagOn` says that flag is on. A phase that
 * lists no access at all falls back to the version's shape (after a
 * drop-table, nothing).
 */
export function accessOf(plan: Plan, v: AppVersion, s: State, flagOn: (flag: string) => boolean = () => true): { writes: string[]; reads: string[] } {
  const phase = plan.phases[v === 'old' ? 0 : Math.max(0, s)];
  const shape = v === 'old' ? plan.shapes.before : plan.shapes.after;
  const fallback = shape.map((t) => t.table);
  const mine = (a: { table: string }) => v === 'new' || !plan.shapes.before.length || plan.shapes.before.some((t) => t.table === a.table);
  const access: Access | undefined = phase?.access;
  const writes = access ? access.writes.filter((a) => a.via !== 'trigger' && !a.stopped && (a.via === undefined || flagOn(a.via)) && mine(a)).map((a) => a.table) : [];
  const reads = access ? access.reads.filter(mine).map((a) => a.table) : [];
  if (!writes.length && !reads.length) return { writes: unique(fallback), reads: unique(fallback) };
  return { writes: unique(writes), reads: unique(reads.length ? reads : fallback) };
}

/** A column of a shape as plans draw it: `id`, `id bigint`, `customer_id NOT NULL`; `unique (email)` or `index x` are not columns. */
export function shapeColumn(entry: string): { name: string; notNull: boolean } | undefined {
  const m = /^("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)(?:\s+(.*))?$/s.exec(entry.trim());
  if (!m) return undefined;
  const rest = m[2] ?? '';
  if (rest && (rest.startsWith('(') || /^(unique|index|check|constraint|foreign|primary|exclude)$/i.test(m[1]!))) return undefined;
  const name = m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replace(/""/g, '"') : m[1]!;
  return { name, notNull: /\bnot\s+null\b/i.test(rest) };
}

function shapeOf(plan: Plan, v: AppVersion, table: string): { name: string; notNull: boolean }[] | undefined {
  const find = (shape: Plan['shapes']['before']) => shape.find((t) => t.table === table)?.columns;
  const entries = v === 'old' ? find(plan.shapes.before) : (find(plan.shapes.after) ?? find(plan.shapes.before));
  return entries?.flatMap((e) => shapeColumn(e) ?? []);
}

/** The columns a version uses in a table: the shape before (old) or after (new), else none known. */
export function columnsOf(plan: Plan, v: AppVersion, table: string): string[] | undefined {
  return shapeOf(plan, v, table)?.map((c) => c.name);
}

/** Columns the version's shape marks NOT NULL (a constraint the change adds: the version never writes NULL there). */
export function notNullOf(plan: Plan, v: AppVersion, table: string): string[] {
  return (shapeOf(plan, v, table) ?? []).filter((c) => c.notNull).map((c) => c.name);
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
