import { PortcullisError } from '../../domain/errors.ts';
import { ED25519_COSIGNATURE, ED25519_NOTE, formatKeyId, parseVerifierKey } from '../../ledger/note/index.ts';
import type { StoredLedgerKey } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { requireActor } from '../targeting/actors.ts';
import { ledgerOf } from './ledger.ts';
import { recordPrivileged } from './record.ts';

/**
 * The public keys the log trusts: parties' keys (they sign the entries they submit; type 0x01),
 * witnesses' keys (they cosign checkpoints; type 0x04) and partner services' keys (they sign the
 * risk alerts they send, app/cooperation; type 0x01). Registering or revoking one is a privileged
 * action, recorded in the ledger. Keys are revoked by date, never removed, so that old entries stay
 * verifiable.
 */
export async function addLedgerKey(app: AppContext, actor: string | undefined, vkey: string, role: StoredLedgerKey['role']): Promise<StoredLedgerKey> {
  const user = await requireActor(app, actor, ['admin', 'supervisor'], 'register ledger keys');
  let v;
  try {
    v = parseVerifierKey(vkey.trim());
  } catch (e) {
    throw new PortcullisError('INVALID_INPUT', `the key is not a signed-note verifier key: ${(e as Error).message}`, [{ field: 'vkey', problem: 'malformed', expected: 'name+keyid+base64, as `portcullis ledger keys generate` prints' }]);
  }
  const want = role === 'witness' ? ED25519_COSIGNATURE : ED25519_NOTE;
  if (v.type !== want) throw new PortcullisError('INVALID_INPUT', `a ${role} key must be of type 0x0${want} (${role === 'witness' ? 'tlog-cosignature/v1' : 'Ed25519 note signature'}), not 0x0${v.type}`, [{ field: 'vkey', problem: `type 0x0${v.type}`, expected: role === 'witness' ? '`portcullis ledger keys generate NAME --cosigner`' : '`portcullis ledger keys generate NAME`' }]);
  const key = { name: v.name, keyId: formatKeyId(v.keyId), vkey: vkey.trim(), role, addedBy: user.id, addedAt: app.clock().toISOString() };
  const added = await ledgerOf(app).repo.addKey(key);
  if (!added) throw new PortcullisError('CONFLICT', `the ${role} key ${v.name}+${key.keyId} is registered already`);
  await recordPrivileged(app, user.id, 'ledger-key.added', `key:${v.name}+${key.keyId}`, { role, vkey: key.vkey });
  return { ...key, revokedAt: null };
}

export async function revokeLedgerKey(app: AppContext, actor: string | undefined, name: string, keyId: string, role: StoredLedgerKey['role']): Promise<void> {
  const user = await requireActor(app, actor, ['admin', 'supervisor'], 'revoke ledger keys');
  if (!(await ledgerOf(app).repo.revokeKey(name, keyId.toLowerCase(), role, app.clock().toISOString()))) {
    throw new PortcullisError('NOT_FOUND', `no ${role} key ${name}+${keyId} in force`);
  }
  await recordPrivileged(app, user.id, 'ledger-key.revoked', `key:${name}+${keyId.toLowerCase()}`, { role });
}
