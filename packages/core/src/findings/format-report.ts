import type { CheckReport } from './finding.js';
import { formatGithub } from './format-github.js';
import { formatHuman } from './format-human.js';
import { formatJson } from './format-json.js';
import { formatMarkdown } from './format-markdown.js';
import { formatSarif } from './format-sarif.js';

/** The output formats of `switchback check --format`. */
export const CHECK_FORMATS = ['human', 'json', 'sarif', 'github', 'markdown'] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

/**
 * Renders a check report in one of the CHECK_FORMATS.
 *
 * @example formatReport(report, 'github')
 */
export function formatReport(report: CheckReport, format: CheckFormat, options: { color?: boolean; sources?: Record<string, string> } = {}): string {
  const formatters = {
    human: () => formatHuman(report, options),
    json: () => formatJson(report),
    sarif: () => formatSarif(report),
    github: () => formatGithub(report),
    markdown: () => formatMarkdown(report),
  } satisfies Record<CheckFormat, () => string>;
  return formatters[format]();
}

/** Narrows a --format value. */
export function isCheckFormat(s: string): s is CheckFormat {
  return (CHECK_FORMATS as readonly string[]).includes(s);
}
