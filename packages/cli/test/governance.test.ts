/**
 * Governed autonomy through the built binary: a policy file in the
 * repository decides who may take which transition alone, refuses the rest
 * naming the rule and who can, and a named human approves what it asks for.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_ID, exampleChange, exampleSchema, makeWorkdir, removeWorkdir, runCli, SLOW_MS, workdirDb } from './cli-harness.js';

const POLICY = `version: 1
rules:
  - { transition: phase, phase: [expand, dual-write, backfill, read-switch], allow: [agent, "role:dba"] }
  - { transition: phase, phase: [cut-off, contract], allow: ["role:dba"] }
  - { transition: rollout, allow: [watcher, agent, "role:dba"] }
  - { transition: rollback, allow: [watcher, human] }
approvals:
  - { transition: phase, phase: cut-off, role: owner }
`;

describe('a policy file in the repository', () => {
  let cwd: string;
  const cli = (...args: string[]) => runCli(args, { cwd });
  const state = async () => JSON.parse((await cli('status', EXAMPLE_ID, '--json')).stdout) as { appliedPhase: string; rollout: { percent: number } | null };

  beforeAll(async () => {
    cwd = makeWorkdir([exampleChange]);
    fs.writeFileSync(path.join(cwd, 'switchback.policy.yaml'), POLICY);
    await workdirDb(cwd, (db) => db.exec(fs.readFileSync(exampleSchema, 'utf8')));
  }, SLOW_MS);
  afterAll(() => removeWorkdir(cwd));

  it('refuses a human without the role, naming the rule and who can', async () => {
    const r = await cli('advance', `changes/${path.basename(exampleChange)}`, '--actor', 'dev1');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Refused by the policy: expand of ${EXAMPLE_ID}: dev1 may not take expand alone: rules[0] (phase expand/dual-write/backfill/read-switch) allows agent, role:dba. Who can: agent, role:dba.`);
  }, SLOW_MS);

  it('lets an agent take what the policy allows, and refuses the rest before anything runs', async () => {
    expect((await cli('advance', EXAMPLE_ID, '--agent', '--actor', 'agent-7', '--to', 'read-switch')).code).toBe(0);
    const r = await cli('advance', EXAMPLE_ID, '--agent', '--actor', 'agent-7', '--to', 'cut-off');
    expect(r.code).toBe(1);
    // The rollout steps are the agent's to take; cut-off is not, so nothing ran at all.
    expect(r.stderr).toContain('agent-7 may not take cut-off alone: rules[1] (phase cut-off/contract) allows role:dba. Who can: role:dba.');
    expect(await state()).toMatchObject({ appliedPhase: 'read-switch', rollout: { percent: 1 } });
  }, SLOW_MS);

  it('refuses a hand-made flag change beyond what the policy lets the actor do, before anything changes', async () => {
    const r = await cli('flag', 'set', 'ReadContractDetailsFromCustomer', '--percent', '100', '--agent', '--actor', 'agent-7');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Refused by the policy: flag ReadContractDetailsFromCustomer to 100% (read-switch@100%)');
    expect(r.stderr).toContain('rollout.maxStepPercent (50)');
    expect(await state()).toMatchObject({ rollout: { percent: 1 } });
  }, SLOW_MS);

  it('a role allowed to act still needs the approval the policy asks for, from someone else', async () => {
    const refused = await cli('advance', EXAMPLE_ID, '--actor', 'bob', '--role', 'dba', '--to', 'cut-off', '--override', 'read-switch-soak=compressed for the test');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`cut-off of ${EXAMPLE_ID} needs the approval of an owner`);
    expect(await state()).toMatchObject({ appliedPhase: 'read-switch', rollout: { percent: 1 } });

    const asked = await cli('ask', EXAMPLE_ID, '--question', 'Stop writing support_contract?', '--transition', 'cut-off', '--role', 'owner', '--actor', 'bob', '--json');
    expect(asked.code, asked.stderr).toBe(0);
    const { request } = JSON.parse(asked.stdout) as { request: { id: number; evidence: { gates: { id: string; verdict: string }[] } } };
    expect(request.evidence.gates).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'read-flag-at-100', verdict: 'fail' })]));
    // status lists the open question with the command that answers it, for people and scripts.
    const shown = await cli('status', EXAMPLE_ID);
    expect(shown.stdout).toContain(`open request #${request.id} (cut-off): Stop writing support_contract?`);
    expect(shown.stdout).toContain(`answer: switchback approve ${request.id} --as NAME --role owner`);
    expect(JSON.parse((await cli('status', EXAMPLE_ID, '--json')).stdout)).toMatchObject({ openRequests: [{ id: request.id, transition: 'cut-off', requiredRole: 'owner', status: 'open' }] });
    expect(await cli('approve', String(request.id), '--as', 'bob', '--role', 'owner')).toMatchObject({ code: 1, stderr: expect.stringContaining('cannot answer it') });
    expect(await cli('approve', String(request.id), '--as', 'ana', '--role', 'developer')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`Refused: request #${request.id} (cut-off) needs an answer from an owner, the role the policy's approvals name for it; you answer as developer. Who can: a person holding the role owner`),
    });
    const ok = await cli('approve', String(request.id), '--as', 'ana', '--role', 'owner', '--reason', 'support is quiet');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('approved by ana (owner)');
    expect(await cli('reject', String(request.id), '--as', 'carl')).toMatchObject({ code: 2, stderr: expect.stringContaining('already approved by ana') });

    const r = await cli('advance', EXAMPLE_ID, '--actor', 'bob', '--role', 'dba', '--to', 'cut-off', '--override', 'read-switch-soak=compressed for the test');
    expect(r.code, r.stderr).toBe(0);
    expect((await state()).appliedPhase).toBe('cut-off');
    const list = JSON.parse((await cli('ask', '--list', '--all', '--json')).stdout) as { status: string; answeredBy: string }[];
    expect(list).toEqual([expect.objectContaining({ status: 'approved', answeredBy: 'ana' })]);
  }, SLOW_MS);
});
