import fs from 'node:fs';
import path from 'node:path';
import {
  changeFileYaml,
  changesFromSql,
  loadSqlParser,
  parseChangeFile,
  parseSql,
  planChange,
  renderPlanMarkdown,
  renderPlanText,
  type Plan,
  type ProposedChange,
  type SchemaModel,
} from '@switchback/core';
import { readSchema, SwitchbackError, type Db } from '@switchback/engine';
import { paint, type Output } from './output.js';

export interface FromSqlOptions {
  format: 'text' | 'json' | 'markdown';
  verbose: boolean;
  /** Write each change file into this directory instead of only printing it. */
  write?: string;
}

interface Outcome {
  change: ProposedChange;
  yaml: string;
  /** Where the change file was written, with --write. */
  file?: string;
  plan?: Plan;
  /** Why no plan: the planner is missing, or the params do not fit the schema. */
  problems: string[];
}

/**
 * `switchback plan --from-sql MIGRATION.sql`: the change files that do what
 * the migration does, safely, each with its plan when its intent can be
 * planned. Sets exit code 1 when a statement maps to no intent or a change
 * cannot be planned against the schema.
 */
export async function planFromSql(sqlPath: string, o: FromSqlOptions, openSchema: () => Promise<Db>, out: Output): Promise<void> {
  const text = readSql(sqlPath);
  const rel = path.relative(process.cwd(), sqlPath) || sqlPath;
  await loadSqlParser();
  const parsed = parseSql(rel, text);
  if (!parsed.ok) throw new SwitchbackError(`${rel}:${parsed.error.line}:${parsed.error.column}: ${parsed.error.message}. Fix the SQL, then run plan --from-sql again.`);
  const db = await openSchema();
  let schema: SchemaModel;
  try {
    schema = await readSchema(db);
  } finally {
    await db.close();
  }
  const result = changesFromSql([parsed.file], schema);
  const outcomes = result.changes.map((c) => planProposal(c, schema, o.write));
  if (o.write) writeChangeFiles(o.write, outcomes);

  if (o.format === 'json') {
    out.out(JSON.stringify({ version: 1, changes: outcomes.map(({ change, file, plan, problems }) => ({ ...change, file: file ?? null, plan: plan ?? null, problems })), unmatched: result.unmatched }, null, 2));
  } else if (o.format === 'markdown') {
    for (const r of outcomes) out.out(`## ${r.change.id}\n\n\`\`\`yaml\n${r.yaml}\`\`\`\n\n${r.plan ? renderPlanMarkdown(r.plan) : r.problems.map((p) => `> ${p}`).join('\n')}\n`);
    if (result.unmatched.length) out.out(`## Statements no intent plans\n\n${result.unmatched.map((u) => `- \`${u.file}:${u.line}\` \`${u.text}\`: ${u.message}`).join('\n')}\n`);
  } else {
    for (const r of outcomes) {
      out.out(paint(out, 'bold', `── ${r.file ?? `${r.change.id}.yaml`} (${r.change.intent}) ${'─'.repeat(Math.max(3, 60 - r.change.id.length))}`));
      if (!r.file) out.out(r.yaml);
      if (r.plan) out.out(renderPlanText(r.plan, { color: out.color, verbose: o.verbose }));
      for (const p of r.problems) out.out(`${paint(out, 'yellow', 'not planned')}: ${p}`);
      out.out();
    }
    for (const u of result.unmatched) out.out(`${u.file}:${u.line}:${u.column}: ${paint(out, 'yellow', u.text)}\n  ${u.message}`);
    out.out(summary(outcomes, result.unmatched.length, rel));
  }
  if (result.unmatched.length || outcomes.some((r) => r.change.plannable && !r.plan)) process.exitCode = 1;
}

function planProposal(change: ProposedChange, schema: SchemaModel, dir: string | undefined): Outcome {
  const yaml = changeFileYaml(change);
  const file = dir ? path.join(dir, `${change.id}.yaml`) : undefined;
  if (!change.plannable) {
    return { change, yaml, ...(file ? { file } : {}), problems: [`the planner for ${change.intent} is not available yet; the change file is ready for it.`] };
  }
  const parsed = parseChangeFile(yaml, file ?? `${change.id}.yaml`);
  if (!parsed.ok) return { change, yaml, ...(file ? { file } : {}), problems: parsed.problems.map((p) => `${p.field}: ${p.message}`) };
  const r = planChange(parsed.change, schema);
  if (!r.ok) return { change, yaml, ...(file ? { file } : {}), problems: r.problems.map((p) => `${p.field}: ${p.message}`) };
  return { change, yaml, ...(file ? { file } : {}), plan: r.plan, problems: [] };
}

function writeChangeFiles(dir: string, outcomes: Outcome[]): void {
  const existing = outcomes.map((r) => r.file!).filter((f) => fs.existsSync(f));
  if (existing.length) throw new SwitchbackError(`--write ${dir}: ${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}; nothing was written. Move or delete ${existing.length === 1 ? 'it' : 'them'}, or write to another directory.`);
  fs.mkdirSync(dir, { recursive: true });
  for (const r of outcomes) fs.writeFileSync(r.file!, r.yaml);
}

function readSql(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new SwitchbackError(`--from-sql ${file}: ${code === 'ENOENT' ? `no such file (relative to ${process.cwd()})` : code === 'EISDIR' ? 'is a directory; name one migration file' : `cannot read it (${code ?? String(e)})`}.`);
  }
}

function summary(outcomes: Outcome[], unmatched: number, file: string): string {
  if (!outcomes.length && !unmatched) return `${file}: nothing to plan; every statement is already safe.`;
  const planned = outcomes.filter((r) => r.plan).length;
  const written = outcomes.filter((r) => r.file).length;
  const parts = [`${outcomes.length} change${outcomes.length === 1 ? '' : 's'}`, `${planned} planned`];
  if (written) parts.push(`${written} written`);
  if (unmatched) parts.push(`${unmatched} statement${unmatched === 1 ? '' : 's'} no intent plans`);
  return `${file}: ${parts.join(', ')}.`;
}
