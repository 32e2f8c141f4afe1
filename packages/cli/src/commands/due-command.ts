import type { Command } from 'commander';
import { dueReport, SwitchbackError, type DueItem } from '@switchback/engine';
import { findCodeReferences, type CodeReference } from '../code-references.js';
import { outputOf, withLedger, type GlobalOptions } from '../cli-context.js';
import { paint, type Output } from '../output.js';

interface DueOptions extends GlobalOptions {
  markdown?: boolean;
  code: string;
  at?: string;
}

type DueView = DueItem & { references: Record<string, CodeReference[]> };

export function dueCommand(program: Command): void {
  program
    .command('due')
    .description('List old paths eligible for deletion: cut-off done, retention elapsed, no reads of the old shape seen; with the flags to remove, their code references and the contract checklist.')
    .option('--markdown', 'print a pull-request description per change instead')
    .option('--code <dir>', 'where to look for code that still names the flags', '.')
    .option('--at <time>', 'evaluate as of this time (ISO 8601), e.g. to see what becomes due next month')
    .addHelpText('after', `
Reads of the old tables come from pg_stat_statements when it is loaded
(shared_preload_libraries) and installed in this database: the calls since
cut-off (the executor keeps the counts at cut-off), of statements that read
the tables, not Switchback's own and not the app's writes into them. Else they
come from the SDK's old-side read counts; with neither, reads are "unknown" and
the change is not eligible.

Exit codes: 0 listed (eligible or not), 2 bad input or no database.

Examples:
  switchback due
  switchback due --markdown > contract-pr.md
  switchback due --at 2026-04-01T00:00:00Z --json`)
    .action(async (options: DueOptions, cmd: Command) => {
      const o = { ...cmd.optsWithGlobals<DueOptions>(), ...options };
      const out = outputOf(o);
      const now = o.at ? new Date(o.at) : new Date();
      if (Number.isNaN(now.getTime())) throw new SwitchbackError(`--at must be an ISO 8601 time (got "${o.at}").`);
      const items = await withLedger(o, 'due', (db) => dueReport(db, now));
      const views: DueView[] = items.map((i) => ({ ...i, references: findCodeReferences(o.code, i.flags) }));
      if (o.json) return out.out(JSON.stringify(views.map(({ contract: _c, ...v }) => v), null, 2));
      if (!views.length) return out.out('Nothing is due: no change has finished cut-off with contract still ahead.');
      if (o.markdown) return out.out(views.map(markdown).join('\n\n---\n\n'));
      views.forEach((v, i) => {
        if (i) out.out();
        render(out, v);
      });
    });
}

function render(o: Output, v: DueView): void {
  const state = v.eligible ? paint(o, 'green', 'eligible for contract') : v.dueAt ? paint(o, 'yellow', `due ${v.dueAt}`) : paint(o, 'yellow', 'not yet');
  o.out(`${paint(o, 'bold', v.change)}  ${v.title}: ${state}`);
  o.out(`  old path: ${v.oldTables.join(', ')}, cut off ${v.cutOffAt}`);
  for (const b of v.blockers) o.out(paint(o, 'yellow', `  ✗ ${b}`));
  for (const f of v.flags) {
    const refs = v.references[f] ?? [];
    o.out(`  flag ${f}: ${refs.length ? `${refs.length} code reference(s)` : 'no code reference left'}`);
    for (const r of refs.slice(0, 10)) o.out(paint(o, 'gray', `    ${r.file}:${r.line}  ${r.text}`));
  }
  o.out('  checklist:');
  for (const c of v.checklist) o.out(`    [ ] ${c}`);
}

function markdown(v: DueView): string {
  const refs = v.flags.flatMap((f) => (v.references[f] ?? []).map((r) => `- [ ] \`${r.file}:${r.line}\` names \`${f}\``));
  const sql = v.contract.forward.filter((s) => s.kind === 'sql').map((s) => `-- ${s.description}\n${s.kind === 'sql' ? s.sql : ''}`).join('\n\n');
  return [
    `## Contract: ${v.title} (\`${v.change}\`)`,
    `${v.eligible ? 'Every condition for removing the old path holds.' : `**Not eligible yet**${v.dueAt ? ` (due ${v.dueAt})` : ''}:\n\n${v.blockers.map((b) => `- ${b}`).join('\n')}`}`,
    `Old path: ${v.oldTables.map((t) => `\`${t}\``).join(', ')}, writes stopped at ${v.cutOffAt}.`,
    `### Checklist\n\n${v.checklist.map((c) => `- [ ] ${c}`).join('\n')}`,
    refs.length ? `### Code that still names the flags\n\n${refs.join('\n')}` : `### Flags\n\nNo code names ${v.flags.map((f) => `\`${f}\``).join(', ')} any more.`,
    sql ? `### What contract runs\n\n\`\`\`sql\n${sql}\n\`\`\`` : '',
    `### Way back\n\n${v.contract.backout}`,
  ].filter(Boolean).join('\n\n');
}
