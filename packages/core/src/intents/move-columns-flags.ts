import { distinctWords } from '../util/names.js';

/** The default flag names: `DualWriteContractDetails`, `ReadContractDetailsFromCustomer`. */
export function defaultFlags(from: string, to: string): { dualWrite: string; readSwitch: string } {
  const [s, t] = distinctWords(from, to);
  return { dualWrite: `DualWrite${s}Details`, readSwitch: `Read${s}DetailsFrom${t}` };
}
