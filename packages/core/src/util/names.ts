/** `support_contract` → `SupportContract`. */
export function pascal(name: string): string {
  return name
    .split(/[_\-.\s]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase())
    .join('');
}

/** `support_contract` → `supportContract`. */
export function camel(name: string): string {
  const p = pascal(name);
  return p.length ? p[0]!.toLowerCase() + p.slice(1) : p;
}

/**
 * The distinguishing words of two table names: `support_contract` and
 * `support_customer` → `Contract`, `Customer` (their shared prefix dropped).
 */
export function distinctWords(a: string, b: string): [string, string] {
  const wa = bare(a).split('_');
  const wb = bare(b).split('_');
  let i = 0;
  while (i < wa.length - 1 && i < wb.length - 1 && wa[i] === wb[i]) i++;
  return [pascal(wa.slice(i).join('_')), pascal(wb.slice(i).join('_'))];
}

function bare(table: string): string {
  return table.includes('.') ? table.slice(table.indexOf('.') + 1) : table;
}

/** `owner` → `an owner`, `dba` → `a dba`: roles read naturally in messages. */
export function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}
