import { formatDuration } from '../util/duration.js';
import type { Access, Arrow, FlagChange, Phase, Plan, RolloutSpec, Step, TableShape } from './plan.js';
import { formatFlagState, formatRollout } from './render-plan-text.js';

/**
 * A plan as a pull-request description: title, a summary table of the phases, the
 * shapes before and after, then per phase a Mermaid flowchart of its reads and writes,
 * its gates as a checklist, its SQL both ways, verification and app changes.
 *
 * @example
 * const result = planChange(change, schema);
 * if (result.ok) await writeFile('plan.md', renderPlanMarkdown(result.plan));
 */
export function renderPlanMarkdown(plan: Plan): string {
  const colours = tableColours(plan);
  const parts = [
    header(plan),
    summaryTable(plan),
    `### Shape before\n\n${shapeDiagram(plan.shapes.before, plan, colours)}`,
    `### Shape after\n\n${shapeDiagram(plan.shapes.after, plan, colours)}`,
    ...plan.phases.map((phase, i) => phaseSection(phase, i + 1, colours)),
  ];
  return parts.join('\n\n') + '\n';
}

// The seed's palette (GitHub dark): the app orange, flags purple, tables blue, green, …
const APP_STYLE = 'fill:#4a2600,stroke:#f0883e,color:#e6edf3';
const FLAG_STYLE = 'fill:#2d1548,stroke:#bc8cff,color:#e6edf3';
const TRIGGER_STYLE = 'fill:#21262d,stroke:#8b949e,color:#e6edf3';
const TABLE_STYLES = [
  'fill:#132f4c,stroke:#58a6ff,color:#e6edf3',
  'fill:#0d3321,stroke:#3fb950,color:#e6edf3',
  'fill:#3b2e00,stroke:#d29922,color:#e6edf3',
  'fill:#0c2d34,stroke:#39c5cf,color:#e6edf3',
];
const JOIN_LINK = 'stroke:#8b949e,stroke-width:2px,stroke-dasharray:5 5';
const STOPPED_LINK = 'stroke:#f85149,stroke-width:2px,stroke-dasharray:5 5';
const BACKFILL_LINK = 'stroke:#f0883e,stroke-width:2px';

// Mermaid keywords, and the ids of the App, Flag, Flag2… and Trigger nodes.
const RESERVED_IDS = /^(end|graph|flowchart|subgraph|style|linkstyle|classdef|class|click|direction|app|flag\d*|trigger)$/i;

/** A valid Mermaid node id for a table: `billing.invoice` → `billing_invoice`. */
export function mermaidId(table: string): string {
  const id = table.replace(/[^A-Za-z0-9_]/g, '_');
  return RESERVED_IDS.test(id) || /^[0-9]/.test(id) ? `t_${id}` : id;
}

/** Text for a quoted Mermaid label: `"` becomes the `#quot;` entity. */
function label(text: string): string {
  return text.replace(/"/g, '#quot;');
}

/** One colour per table, stable across every diagram of the plan. */
function tableColours(plan: Plan): Map<string, string> {
  const tables = [...plan.shapes.before, ...plan.shapes.after].map((t) => t.table);
  for (const p of plan.phases) tables.push(...accessTables(p.access));
  const colours = new Map<string, string>();
  for (const t of tables) if (!colours.has(t)) colours.set(t, TABLE_STYLES[colours.size % TABLE_STYLES.length]!);
  return colours;
}

function accessTables(access: Access): string[] {
  const backfill = access.backfill ? [access.backfill.from, access.backfill.to] : [];
  return [...access.writes, ...access.reads].map((a) => a.table).concat(backfill);
}

function header(plan: Plan): string {
  const lines = [
    `## ${plan.title}`,
    '',
    `Change \`${plan.change}\` · intent \`${plan.intent}\` · sync \`${plan.sync}\` · lock_timeout ${formatDuration(plan.lockTimeoutMs)}`,
  ];
  if (plan.flags.length) lines.push('', '**Flags**', '', ...plan.flags.map((f) => `- \`${f.name}\`: ${f.purpose}`));
  if (plan.notes.length) lines.push('', '> [!WARNING]', ...plan.notes.flatMap((n, i) => [...(i ? ['>'] : []), `> ${n.replace(/\n/g, '\n> ')}`]));
  return lines.join('\n');
}

/** The phases at a glance, like PRODUCT.md's table, with tables named by role (old/new). */
function summaryTable(plan: Plan): string {
  const roles = tableRoles(plan);
  const role = (table: string) => roles.get(table) ?? `\`${table}\``;
  const rows = plan.phases.map((p, i) => {
    const schema = p.forward.filter((s) => (s.kind === 'sql' && s.ddl) || s.kind === 'concurrent').map((s) => s.description);
    const reads = p.access.reads.map((a) => role(a.table) + (a.via ? ` ${viaText(a)}` : '') + rolloutText(p, a));
    return [`${i + 1} ${p.id}`, schema.join('; '), writesText(p.access.writes, role), reads.join(' + '), flagText(p), p.backout];
  });
  const legend = [...roles].map(([t, r]) => `${r} = \`${t}\``).join(', ');
  return [
    '| phase | schema | writes | reads | flag | back out by |',
    '|---|---|---|---|---|---|',
    ...rows.map((cells) => `| ${cells.map(cell).join(' | ')} |`),
    ...(legend ? ['', `_${legend}_`] : []),
  ].join('\n');
}

/**
 * `old` and `new` when one table gains columns from one other (the seed's case);
 * otherwise no roles, and the table keeps its name.
 */
function tableRoles(plan: Plan): Map<string, string> {
  const tables = [...new Set([...plan.shapes.before, ...plan.shapes.after].map((t) => t.table))];
  const gaining = plan.shapes.after.filter((t) => t.added?.length).map((t) => t.table);
  const others = tables.filter((t) => !gaining.includes(t));
  if (gaining.length !== 1 || others.length !== 1) return new Map();
  return new Map([[others[0]!, 'old'], [gaining[0]!, 'new']]);
}

function writesText(writes: Arrow[], role: (t: string) => string): string {
  const app = writes.filter((a) => !a.stopped && a.via !== 'trigger' || (a.via === 'trigger' && !writes.some((o) => o.stopped && o.table === a.table)));
  const live = app.map((a) => role(a.table) + (a.via ? ` (${viaText(a)})` : ''));
  const stopped = writes.filter((a) => a.stopped).map((a) => role(a.table) + (writes.some((o) => o.via === 'trigger' && o.table === a.table) ? ' kept current by trigger' : ' stopped'));
  if (!live.length) return stopped.join(', ');
  return live.join(' + ') + (stopped.length ? ` only (${stopped.join(', ')})` : '');
}

function rolloutText(phase: Phase, a: Arrow): string {
  return phase.rollout && a.via === phase.rollout.flag ? ` at ${formatRollout(phase.rollout)}` : '';
}

function viaText(a: Arrow): string {
  return a.via === 'trigger' ? 'trigger' : `behind \`${a.via}\``;
}

function flagText(phase: Phase): string {
  const changes = phase.flags.map((f) => `\`${f.flag}\` ${formatFlagState(f.backward)} → ${formatFlagState(f.forward)}`);
  const removed = phase.forward.flatMap((s) => (s.kind === 'flag' && s.set === 'remove' ? [`\`${s.flag}\` removed`] : []));
  return [...changes, ...removed].join(', ');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ') || '–';
}

/** A Mermaid flowchart under construction: links are counted so linkStyle indexes stay right. */
interface Chart {
  nodes: string[];
  links: string[];
  count: number;
  styles: string[];
  linkStyles: string[];
}

function chart(): Chart {
  return { nodes: [], links: [], count: 0, styles: [], linkStyles: [] };
}

/** Add a link statement of `hops` links; `style` colours its last hop. */
function link(c: Chart, statement: string, hops = 1, style?: string): void {
  c.links.push(statement);
  c.count += hops;
  if (style) c.linkStyles.push(`linkStyle ${c.count - 1} ${style}`);
}

function mermaid(c: Chart): string {
  const blocks = [c.nodes, c.links, [...c.styles, ...c.linkStyles]].filter((b) => b.length);
  return ['```mermaid', 'flowchart LR', blocks.map((b) => b.map((l) => `\t${l}`).join('\n')).join('\n\n'), '```'].join('\n');
}

function shapeDiagram(tables: TableShape[], plan: Plan, colours: Map<string, string>): string {
  if (!tables.length) return '_No table of this change remains in place._';
  const c = chart();
  for (const t of tables) {
    const added = new Set(t.added ?? []);
    const cols = t.columns.map((col) => (added.has(col) ? `<strong>${label(col)}</strong>` : label(col)));
    c.nodes.push(`${mermaidId(t.table)}["<b>${label(t.table)}</b><br/><br/>${cols.join('<br/>')}"]`);
    c.styles.push(`style ${mermaidId(t.table)} ${colours.get(t.table)}`);
  }
  const shown = new Set(tables.map((t) => t.table));
  for (const j of plan.shapes.joins.filter((j) => shown.has(j.from) && shown.has(j.to))) {
    link(c, `${mermaidId(j.from)} -. "${label(j.label)}" .- ${mermaidId(j.to)}`, 1, JOIN_LINK);
  }
  return mermaid(c);
}

/** The phase's reads and writes in the seed's vocabulary, drawn from `phase.access`. */
function accessDiagram(access: Access, colours: Map<string, string>): string {
  const c = chart();
  const flags = new Map<string, string>();
  const flagNode = (flag: string): string => {
    if (!flags.has(flag)) flags.set(flag, flags.size ? `Flag${flags.size + 1}` : 'Flag');
    return flags.get(flag)!;
  };
  for (const w of access.writes) link(c, ...writeLink(w, access.writes, flagNode));
  for (const r of access.reads) {
    const from = mermaidId(r.table);
    if (r.stopped) link(c, `${from} -.->|"✕ stopped"| App`, 1, STOPPED_LINK);
    else if (r.via && r.via !== 'trigger') link(c, `${from} -.-> ${flagNode(r.via)} -.->|"reads"| App`, 2);
    else link(c, `${from} -.->|"reads"| App`);
  }
  if (access.backfill) link(c, `${mermaidId(access.backfill.from)} -->|"backfill"| ${mermaidId(access.backfill.to)}`, 1, BACKFILL_LINK);

  const tables = [...colours.keys()].filter((t) => accessTables(access).includes(t));
  c.nodes.push('App(["<b>App</b>"])', ...tables.map((t) => `${mermaidId(t)}["<b>${label(t)}</b>"]`));
  c.styles.push(`style App ${APP_STYLE}`, ...tables.map((t) => `style ${mermaidId(t)} ${colours.get(t)}`));
  for (const [flag, id] of flags) {
    c.nodes.push(`${id}{"${label(flag)}"}`);
    c.styles.push(`style ${id} ${FLAG_STYLE}`);
  }
  if (c.links.some((l) => l.includes(' Trigger '))) {
    c.nodes.push('Trigger[["trigger"]]');
    c.styles.push(`style Trigger ${TRIGGER_STYLE}`);
  }
  return mermaid(c);
}

/**
 * One write as a link statement, its number of links, and its linkStyle. A trigger write
 * comes from the table the app writes, through a Trigger node.
 */
function writeLink(w: Arrow, writes: Arrow[], flagNode: (flag: string) => string): [string, number, string?] {
  const to = mermaidId(w.table);
  if (w.stopped) return [`App -.->|"✕ stopped"| ${to}`, 1, STOPPED_LINK];
  if (w.via === 'trigger') {
    const source = writes.find((o) => o.table !== w.table && !o.stopped && !o.via);
    return source ? [`${mermaidId(source.table)} --> Trigger ==>|"writes"| ${to}`, 2] : [`App ==>|"writes (trigger)"| ${to}`, 1];
  }
  if (w.via) return [`App --> ${flagNode(w.via)} ==>|"writes"| ${to}`, 2];
  return [`App ==>|"writes"| ${to}`, 1];
}

function phaseSection(phase: Phase, n: number, colours: Map<string, string>): string {
  const parts = [`### Phase ${n}: ${phase.title}`, accessDiagram(phase.access, colours), phase.summary];
  if (phase.gates.length) parts.push(`**Gates** (before entering)\n\n${phase.gates.map((g) => `- [ ] ${g.description}`).join('\n')}`);
  parts.push(stepList('Forward', phase.forward));
  parts.push(`**Back out:** ${phase.backout}${phase.backward.length ? `\n\n${stepList('Backward', phase.backward)}` : ''}`);
  if (phase.verify.length) parts.push(`**Verification**\n\n${phase.verify.map((v) => `- ${v.description}`).join('\n')}`);
  if (phase.flags.length) parts.push(`**Flags**\n\n${phase.flags.map((f) => `- ${flagLine(f, phase.rollout)}`).join('\n')}`);
  for (const app of phase.app) {
    const behind = app.flag ? `, behind \`${app.flag}\`` : '';
    parts.push(`**App change** (${app.side}${behind}): ${app.summary}\n\n\`\`\`ts\n${app.sketch}\n\`\`\``);
  }
  return parts.join('\n\n');
}

/** `` `Flag`: off → on 1%, then 1% → 10% → 50% → 100% ``. */
function flagLine(change: FlagChange, rollout: RolloutSpec | undefined): string {
  const steps = rollout?.flag === change.flag ? `, then ${formatRollout(rollout)}` : '';
  return `\`${change.flag}\`: ${formatFlagState(change.backward)} → ${formatFlagState(change.forward)}${steps}`;
}

/** Numbered steps, then what they run in a collapsed ```sql block. */
function stepList(title: string, steps: Step[]): string {
  if (!steps.length) return `**${title}**: nothing to run.`;
  const list = steps.map((s, i) => `${i + 1}. \`${s.id}\`: ${s.description}`).join('\n');
  const sql = steps.flatMap((s) => stepSql(s)).join('\n\n');
  if (!sql) return `**${title}**\n\n${list}`;
  return `**${title}**\n\n${list}\n\n<details><summary>${title} SQL</summary>\n\n\`\`\`sql\n${sql}\n\`\`\`\n\n</details>`;
}

function stepSql(step: Step): string[] {
  const head = `-- ${step.id}: ${step.description}`;
  switch (step.kind) {
    case 'sql':
      return [`${head}\n${step.sql}`];
    case 'concurrent':
      return [`${head}\n-- outside a transaction, one statement at a time\n${step.statements.join('\n')}`];
    case 'backfill':
      return [`${head}\n-- one batch over ${step.backfill.table}.${step.backfill.key} in $1..$2\n${step.backfill.batchSql}`];
    case 'flag':
    case 'pause':
      return [];
  }
}
