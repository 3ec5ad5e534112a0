import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../../src/app/context.ts';
import { ledgerOf, type Ledger } from '../../../src/app/ledger/ledger.ts';
import { addUser } from '../../../src/app/targeting/users.ts';
import { generateSignerKey, parseSignerKey, type Signer } from '../../../src/ledger/note/index.ts';
import type { StoreAdapter } from '../../../src/store/index.ts';
import { appOf } from '../targeting/fixtures.ts';

/** An application around the harness's store, with a clock that moves a second per call. */
export function ledgerApp(store: StoreAdapter): { app: AppContext; ledger: Ledger } {
  let t = Date.parse('2026-03-01T08:00:00Z');
  const app = appOf(store, () => new Date((t += 1000)));
  return { app, ledger: ledgerOf(app) };
}

/** A new key pair: a party's (0x01) or a witness's cosignature key (0x04). */
export function keyPair(name: string, type: 1 | 4 = 1): { signer: Signer; vkey: string } {
  const k = generateSignerKey(name, randomBytes(32), type);
  return { signer: parseSignerKey(k.signerKey), vkey: k.verifierKey };
}

/** A supervisor who may register keys. */
export async function supervisor(app: AppContext, id = 'sue'): Promise<string> {
  await addUser(app, { id, roles: ['supervisor'] });
  return id;
}

/** `n` entries recorded by the service, about declarations D-0, D-1… */
export function recordSome(ledger: Ledger, n: number, from = 0): Promise<number[]> {
  return ledger.record(Array.from({ length: n }, (_, i) => ({ type: 'declaration.filed' as const, subject: `declaration:D-${from + i}`, payload: { id: `D-${from + i}`, value: (from + i) * 10 } })));
}
