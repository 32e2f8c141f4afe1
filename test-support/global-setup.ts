import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { PGlite } from '@electric-sql/pglite';

/**
 * Build one fresh PGlite data directory per test run (initdb in WASM takes
 * seconds); each test copies it, which takes a fraction of that.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchback-template-'));
  const pg = await PGlite.create(path.join(dir, 'pgdata'));
  await pg.close();
  project.provide('pgliteTemplate', path.join(dir, 'pgdata'));
  return () => fs.rmSync(dir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
  }
}
