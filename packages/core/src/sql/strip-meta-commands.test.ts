import { describe, expect, it } from 'vitest';
import { stripMetaCommands } from './strip-meta-commands.js';

describe('stripMetaCommands', () => {
  const cases: [string, string, string][] = [
    ['blanks a meta-command line', '\\set ON_ERROR_STOP on\nSELECT 1;', '                     \nSELECT 1;'],
    ['keeps byte length of multi-byte characters', '\\echo é\nSELECT 1;', '        \nSELECT 1;'],
    ['blanks indented meta-commands', '  \\connect db\nSELECT 1;', `${' '.repeat(13)}\nSELECT 1;`],
    ['leaves backslashes inside dollar-quoted bodies', 'DO $$\n\\not a command\n$$;', 'DO $$\n\\not a command\n$$;'],
    ['leaves other lines alone', "SELECT '\\n';", "SELECT '\\n';"],
  ];
  it.each(cases)('%s', (_, input, expected) => {
    const out = stripMetaCommands(input);
    expect(out).toBe(expected);
    expect(Buffer.byteLength(out)).toBe(Buffer.byteLength(input));
  });
});
