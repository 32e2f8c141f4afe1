import type { AppChange } from '../plan/plan.js';
import type { MoveShape } from './move-columns-sql.js';

interface SketchInput extends MoveShape {
  /** Who writes the old shape after the new one at cut-off: the app, or the reverse trigger. */
  sync: 'trigger' | 'app';
  flags: { dualWrite: string; readSwitch: string };
  /** `SupportCustomer`, `supportCustomer`. */
  entity: string;
  entityVar: string;
}

/** The application changes of move-columns, in words and as TypeScript sketches using @switchback/sdk. */
export function moveColumnsSketches(m: SketchInput): Record<'dualWrite' | 'readSwitch' | 'cutOff' | 'contract', AppChange> {
  const names = m.columns.map((c) => c.name);
  const list = names.join(', ');
  const setOld = names.map((c, i) => `${c} = $${i + 2}`).join(', ');
  const params = names.map((c) => `details.${camelCase(c)}`).join(', ');
  const migration = `const migration = new Migration({ flags, change: '${m.change}', sync: 'app',
  readFlag: '${m.flags.readSwitch}', dualWriteFlag: '${m.flags.dualWrite}' });`;
  return {
    dualWrite: {
      side: 'write',
      flag: m.flags.dualWrite,
      summary: `Every write of ${list} goes to ${m.source} first (authoritative), then to ${m.target} behind ${m.flags.dualWrite}. A failed write to ${m.target} is recorded, never fails the request.`,
      sketch: `${migration}

await migration.write({ key: String(${m.entityVar}Id) }, {
  old: () => db.query('UPDATE ${m.source} SET ${setOld} WHERE ${m.join} = $1', [${m.entityVar}Id, ${params}]),
  new: () => db.query('UPDATE ${m.target} SET ${setOld} WHERE ${m.targetKey} = $1', [${m.entityVar}Id, ${params}]),
});`,
    },
    readSwitch: {
      side: 'read',
      flag: m.flags.readSwitch,
      summary: `Read ${list} through the migration helper: ${m.target} when ${m.flags.readSwitch} is on for this ${m.entity} (sticky per key, allow-listed tenants first), ${m.source} otherwise; the other side is read too and compared, and mismatches are recorded.`,
      sketch: `const ${m.entityVar} = await migration.read({ key: String(id), tenant }, {
  old: () => one(db, 'SELECT t.*, s.${names.join(', s.')} FROM ${m.target} t LEFT JOIN ${m.source} s ON s.${m.join} = t.${m.targetKey} WHERE t.${m.targetKey} = $1', [id]),
  new: () => one(db, 'SELECT * FROM ${m.target} WHERE ${m.targetKey} = $1', [id]),
});`,
    },
    cutOff: m.sync === 'app'
      ? {
          side: 'write',
          flag: m.flags.dualWrite,
          summary: `Write ${list} to ${m.target} first (now authoritative), then to ${m.source} behind ${m.flags.dualWrite}, so ${m.source} stays whole for a rollback. With the migration helper nothing changes in code: at cut-off its stage becomes "ramp-down". Put the ${m.source} write in a savepoint of its own: contract turns ${m.flags.dualWrite} off before it archives ${m.source}, but a write already past the flag may still fail, and that failure is recorded, never thrown, so it must not abort the transaction.`,
          sketch: `// Stage "ramp-down": migration.write(...) runs \`new\`, then \`old\`; migration.read(...) only \`new\`.
await migration.write({ key: String(${m.entityVar}Id) }, {
  new: () => db.query('UPDATE ${m.target} SET ${setOld} WHERE ${m.targetKey} = $1', [${m.entityVar}Id, ${params}]),
  old: () => inSavepoint(db, () => db.query('UPDATE ${m.source} SET ${setOld} WHERE ${m.join} = $1', [${m.entityVar}Id, ${params}])),
});`,
        }
      : {
          side: 'write',
          summary: `Write ${list} to ${m.target} only; the reverse trigger copies them to ${m.source} until contract. With the migration helper nothing changes in code: at cut-off its stage becomes "ramp-down" and, with sync 'trigger', it calls only the new side.`,
          sketch: `// Stage "ramp-down", sync 'trigger': migration.write(...) runs only \`new\` (the trigger writes old), migration.read(...) only \`new\`.
await migration.write({ key: String(${m.entityVar}Id) }, { old, new: writeNew });`,
        },
    contract: {
      side: 'read',
      summary: `Before contract, deploy code that no longer mentions ${m.source}'s ${list} or the flags: read and write ${m.target} directly and delete the migration helper calls.`,
      sketch: `const ${m.entityVar} = await one(db, 'SELECT * FROM ${m.target} WHERE ${m.targetKey} = $1', [id]);`,
    },
  };
}

function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, ch: string) => ch.toUpperCase());
}
