import type { ChangeSpec } from '../change/change-spec.js';
import type { IntentDef, PlanResult } from '../intents/intent.js';
import { intents } from '../intents/index.js';
import type { SchemaModel } from '../schema/schema-model.js';

/** Plan a validated change against a schema. Pure: returns problems instead of throwing. */
export function planChange(change: ChangeSpec, schema: SchemaModel): PlanResult {
  const intent: IntentDef<unknown> = intents[change.intent] as IntentDef<unknown>;
  return intent.plan(change as never, schema);
}
