import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultCodeRoot, MAX_CODE_FILE_BYTES, readCodeSources } from './code-files.js';

let dir: string;
const write = (file: string, text = '') => {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), text);
};

beforeEach(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'switchback-code-')));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('defaultCodeRoot', () => {
  it('is the nearest project above the migrations', () => {
    write('apps/desk/package.json', '{}');
    write('apps/desk/db/migrations/0001.sql');
    expect(defaultCodeRoot([path.join(dir, 'apps/desk/db/migrations/0001.sql')], dir)).toBe(path.join(dir, 'apps/desk'));
  });

  it.each(['go.mod', 'Gemfile', 'pyproject.toml', 'Desk.csproj', 'pom.xml'])('recognises %s', (marker) => {
    write(`svc/${marker}`);
    write('svc/migrations/1.sql');
    expect(defaultCodeRoot([path.join(dir, 'svc/migrations/1.sql')], dir)).toBe(path.join(dir, 'svc'));
  });

  it('stops at the working directory when nothing marks a project', () => {
    write('db/0001.sql');
    expect(defaultCodeRoot([path.join(dir, 'db/0001.sql')], dir)).toBe(dir);
  });
});

describe('readCodeSources (outside git: walked)', () => {
  it('reads code files relative to the working directory, skipping dependencies, build output, migrations and exclusions', () => {
    write('src/reader.ts', 'export class R {}');
    write('src/types.d.ts', 'declare const x: number;');
    write('src/notes.md', '# notes');
    write('app/models.py', 'x = 1');
    write('prisma/schema.prisma', 'model A { id Int @id }');
    write('node_modules/lib/index.js', 'x');
    write('dist/index.js', 'x');
    write('db/migrate/20240101_add.rb', 'x');
    write('sql/seed.ts', 'x');
    write('src/huge.js', 'x'.repeat(MAX_CODE_FILE_BYTES + 1));
    expect(readCodeSources(dir, [path.join(dir, 'sql')], dir).map((s) => s.file)).toEqual(['app/models.py', 'prisma/schema.prisma', 'src/reader.ts']);
    expect(readCodeSources(path.join(dir, 'src'), [], path.join(dir, 'app')).map((s) => s.file)).toEqual(['../src/reader.ts']);
  });

  it('says what to do when --code is not a directory', () => {
    write('file.ts');
    expect(() => readCodeSources(path.join(dir, 'missing'), [])).toThrow(/--code .*missing: no such directory\. Point it at the application's source/);
    expect(() => readCodeSources(path.join(dir, 'file.ts'), [])).toThrow(/not a directory/);
  });
});
