/**
 * Naming conventions between database names and code names: a table
 * `support_contract` is the model `SupportContract`, the Prisma delegate
 * `supportContract` and the Rails/EF default table `support_contracts`; a
 * column `end_date` is the property `EndDate` or `endDate`.
 */

/** Splits any of snake_case, kebab-case, camelCase, PascalCase or SCREAMING_CASE into lower-case words. */
export function words(name: string): string[] {
  // SCREAMING_CASE has no case changes to split on, only separators.
  if (!/[a-z]/.test(name)) return name.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w.toLowerCase());
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** `SupportContract` → `support_contract`. */
export function snakeCase(name: string): string {
  return words(name).join('_');
}

/** `support_contract` → `SupportContract`. */
export function pascalCase(name: string): string {
  return words(name)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/** `support_contract` → `supportContract`. */
export function camelCase(name: string): string {
  const p = pascalCase(name);
  return p ? p[0]!.toLowerCase() + p.slice(1) : p;
}

/** English singular of a lower-case word, for the plural table names ORMs derive (`contracts`, `addresses`, `categories`). */
export function singular(word: string): string {
  if (/ies$/.test(word) && word.length > 4) return `${word.slice(0, -3)}y`;
  if (/(ss|x|ch|sh|z)es$/.test(word)) return word.slice(0, -2);
  if (/[^s]s$/.test(word) && !/(us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

/**
 * The key under which every spelling of a name compares equal: lower-case
 * words joined by `_`, the last word singular, any schema qualifier dropped.
 *
 * @example nameKey('SupportContracts') === nameKey('support_contract') // true
 */
export function nameKey(name: string): string {
  const bare = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : name;
  const w = words(bare);
  if (w.length) w[w.length - 1] = singular(w[w.length - 1]!);
  return w.join('_');
}

/** Whether a code name (model, property, delegate) stands for a database name under the usual conventions. */
export function sameName(codeName: string, dbName: string): boolean {
  const a = nameKey(codeName);
  return a !== '' && a === nameKey(dbName);
}

/** Bare table name: `public.support_contract` → `support_contract` (quotes removed). */
export function bareTable(name: string): string {
  const unquoted = name.replace(/"/g, '');
  return unquoted.includes('.') ? unquoted.slice(unquoted.lastIndexOf('.') + 1) : unquoted;
}
