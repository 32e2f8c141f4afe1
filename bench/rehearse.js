/**
 * Rehearsal benchmark: `switchback rehearse` of the seed change
 * (examples/support-desk/changes/0001-contract-into-customer.yaml) with
 * BENCH_REHEARSE_ROWS (100000) rows per table on PGlite, the full matrix:
 * every phase entered, rolled back and entered again, then the whole change
 * rolled back to the start, with both app workloads running. Run end to end
 * as a process (scratch PGlite created and removed, data generated, every
 * transition, every check). Prints one `name=value` line per figure and
 *   RESULT rehearse_seed_s=S
 * Exit code 1 if the rehearsal did not come out clean.
 *
 * Run alone with `node bench/rehearse.js` (after `npm run build`), or as part
 * of `npm run bench`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'packages/cli/dist/bin.js');
const CHANGE = path.join(ROOT, 'examples/support-desk/changes/0001-contract-into-customer.yaml');
const ROWS = Number(process.env.BENCH_REHEARSE_ROWS ?? 100_000);
const TARGET_S = 20;

export async function runRehearseBench(print) {
  const env = { ...process.env, NO_COLOR: '1' };
  delete env.DATABASE_URL;
  const t0 = process.hrtime.bigint();
  // CPU seconds too (GNU time, where installed): on a shared machine they move less than the wall clock.
  const timed = fs.existsSync('/usr/bin/time');
  const cpuFile = path.join(os.tmpdir(), `switchback-bench-rehearse-${process.pid}.cpu`);
  const argv = [CLI, 'rehearse', CHANGE, '--rows', String(ROWS), '--json'];
  const run = timed
    ? spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', cpuFile, process.execPath, ...argv], { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    : spawnSync(process.execPath, argv, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (run.status !== 0) throw new Error(`switchback rehearse exited ${run.status}: ${(run.stderr || run.stdout).slice(-2000)}`);
  if (timed) {
    const [user, sys] = fs.readFileSync(cpuFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
    fs.rmSync(cpuFile, { force: true });
    print(`rehearse_seed_cpu_s=${(user + sys).toFixed(1)}`);
  }
  print(`# load average at the end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
  const r = JSON.parse(run.stdout);
  print(`# rehearse: seed change, ${ROWS} rows per table, PGlite, ${r.edges.length} transitions`);
  print(`rehearse_rows=${ROWS}`);
  print(`rehearse_transitions=${r.edges.length}`);
  print(`rehearse_transitions_s=${r.edges.reduce((s, e) => s + e.seconds, 0).toFixed(1)}`);
  for (const e of [...r.edges].sort((a, b) => b.seconds - a.seconds).slice(0, 4)) print(`# slowest: ${e.phaseId} ${e.direction} ${e.seconds.toFixed(1)}s`);
  print(`rehearse_writes_committed=${r.writes.committed}`);
  print(`rehearse_writes_checked=${r.writes.checked}`);
  print(`rehearse_clean=${r.ok}`);
  print(`target_rehearse_seed_s=${TARGET_S} met=${seconds < TARGET_S}`);
  print(`RESULT rehearse_seed_s=${seconds.toFixed(1)}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runRehearseBench((line) => console.log(line)).catch((e) => {
    console.error(`bench: rehearse benchmark failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
