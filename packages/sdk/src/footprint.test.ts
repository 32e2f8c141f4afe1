import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * What an application installs with @switchback/sdk: no runtime dependency
 * at all, and each integration's library only as an optional peer, imported
 * only by its own entry point.
 */
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  exports: Record<string, { types: string; default: string }>;
};

/** Entry point (src folder) → the one package it may import besides relative and node: modules. */
const PEERS: Record<string, string> = {
  prometheus: 'prom-client',
  openfeature: '@openfeature/server-sdk',
  opentelemetry: '@opentelemetry/api',
};

const NEVER = ['@switchback/cli', '@switchback/engine', '@switchback/core', 'libpg-query', '@electric-sql/pglite', 'pg', 'zod', 'yaml', 'commander'];

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

describe('the SDK dependency footprint', () => {
  it('has no runtime dependencies', () => {
    expect(pkg.dependencies ?? {}).toEqual({});
  });

  it('has only optional peers, one per integration entry point', () => {
    expect(Object.keys(pkg.peerDependencies ?? {}).sort()).toEqual(Object.values(PEERS).sort());
    for (const peer of Object.keys(pkg.peerDependencies ?? {})) expect(pkg.peerDependenciesMeta?.[peer]?.optional, peer).toBe(true);
  });

  it('never depends on the CLI, the engine, the parser, PGlite or pg', () => {
    const declared = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies });
    expect(declared.filter((d) => NEVER.includes(d))).toEqual([]);
  });

  it('exports the main entry and one subpath per integration, each built from an index.ts that exists', () => {
    expect(Object.keys(pkg.exports).sort()).toEqual(['.', ...Object.keys(PEERS).map((p) => `./${p}`)].sort());
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      const src = target.default.replace('./dist/', 'src/').replace(/\.js$/, '.ts');
      expect(fs.existsSync(path.join(root, src)), `${subpath} → ${src}`).toBe(true);
      expect(target.types).toBe(target.default.replace(/\.js$/, '.d.ts'));
    }
  });

  it('imports a peer only from its own entry point, and nothing else outside the package', () => {
    const offending: string[] = [];
    for (const file of sources(path.join(root, 'src'))) {
      const rel = path.relative(path.join(root, 'src'), file);
      const allowed = PEERS[rel.split(path.sep)[0]!];
      for (const m of fs.readFileSync(file, 'utf8').matchAll(IMPORT)) {
        const spec = m[1] ?? m[2]!;
        if (spec.startsWith('.') || spec.startsWith('node:') || spec === allowed) continue;
        offending.push(`${rel} imports ${spec}`);
      }
    }
    expect(offending).toEqual([]);
  });
});
