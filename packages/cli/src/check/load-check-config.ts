import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CheckConfig } from '@switchback/core';
import { SwitchbackError } from '@switchback/engine/errors';

/** File names `switchback check` reads its configuration from, at the repository root; the first found wins. */
export const CHECK_CONFIG_FILES = ['switchback.config.json', 'switchback.config.yaml', 'switchback.config.yml', 'switchback.config.js', 'switchback.config.mjs'] as const;

/** A switchback.config.* that does not validate (exit 2). */
export class CheckConfigFileError extends SwitchbackError {}

/** The configuration at `root` (the first of switchback.config.json, .yaml, .yml, .js, .mjs), with its directory; none is fine. */
export async function loadCheckConfig(root: string): Promise<{ config: CheckConfig; dir: string; file?: string }> {
  const name = CHECK_CONFIG_FILES.find((f) => fs.existsSync(path.join(root, f)));
  if (!name) return { config: {}, dir: root };
  const file = path.join(root, name);
  // The validator (zod, yaml) loads only when there is a file to validate.
  const { CheckConfigError, parseCheckConfig, parseCheckConfigText } = await import('@switchback/core');
  try {
    if (/\.m?js$/.test(name)) {
      let mod: { default?: unknown };
      try {
        mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
      } catch (e) {
        throw new CheckConfigError(file, [`cannot load it (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`]);
      }
      return { config: parseCheckConfig(mod.default, file), dir: root, file };
    }
    return { config: parseCheckConfigText(fs.readFileSync(file, 'utf8'), file), dir: root, file };
  } catch (e) {
    if (e instanceof CheckConfigError) throw new CheckConfigFileError((e as Error).message);
    throw e;
  }
}
