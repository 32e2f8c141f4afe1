import type { Command } from 'commander';
import { answerApprovalRequest, SwitchbackError } from '@switchback/engine';
import { outputOf, withLedger, type GlobalOptions } from '../cli-context.js';
import { renderRequest } from './ask-command.js';

interface AnswerOptions extends GlobalOptions {
  as: string;
  role?: string;
  reason?: string;
  option?: string;
}

/** `approve` and `reject`: a named person answers an approval request. */
export function approveCommand(program: Command): void {
  for (const approve of [true, false]) {
    const verb = approve ? 'approve' : 'reject';
    program
      .command(verb)
      .argument('<request>', 'the request number (switchback ask --list)')
      .description(approve ? 'Approve a request, as a named person: the transition it asks about may then be taken.' : 'Reject a request, as a named person: the transition it asks about is not taken.')
      .requiredOption('--as <name>', 'who answers, by name (recorded in the ledger); never the one who asked')
      .option('--role <role>', 'the role you answer in; must match the role the request needs')
      .option('--reason <text>', 'why, recorded with the answer')
      .option('--option <answer>', `the option chosen, when the request offers more than ${verb}`)
      .addHelpText('after', `
Examples:
  switchback ${verb} 3 --as ana --role owner --reason "${approve ? 'tickets quiet for a week' : 'wait until the Monday release'}"`)
      .action(async (request: string, options: AnswerOptions, cmd: Command) => {
        const o = { ...cmd.optsWithGlobals<AnswerOptions>(), ...options };
        const out = outputOf(o);
        const id = Number(request.replace(/^#/, ''));
        if (!Number.isSafeInteger(id) || id <= 0) throw new SwitchbackError(`"${request}" is not a request number; list them with: switchback ask --list`);
        if (!o.as.trim()) throw new SwitchbackError('--as needs your name.');
        const r = await withLedger(o, `${verb} ${id}`, (db) =>
          answerApprovalRequest(db, id, { by: o.as.trim(), approve, ...(o.role ? { role: o.role } : {}), ...(o.reason ? { reason: o.reason } : {}), ...(o.option ? { answer: o.option } : {}) }),
        );
        if (o.json) return out.out(JSON.stringify(r, null, 2));
        renderRequest(out, r);
      });
  }
}
