import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { addLedgerKey, revokeLedgerKey } from '../../app/ledger/keys-admin.ts';
import { ledgerOf } from '../../app/ledger/ledger.ts';
import { witnessVerifierKey } from '../../app/ledger/mutual-witness.ts';
import { proveEntry } from '../../app/ledger/prove.ts';
import { publishedCheckpoint } from '../../app/ledger/published.ts';
import { verifyLedger } from '../../app/ledger/verify.ts';
import { dataKeysText } from '../../app/security/data-keys.ts';
import { checkProofBundle, ENTRY_TYPE_NAMES, newKeyPair, signerKey, signPartyEntry, verifierKey as verifierOf, verifyCheckpointNote } from '../../app/ledger/offline.ts';
import { PortcullisError } from '../../domain/errors.ts';
import { actorOf, AS_OPTION, boundedNumber, positiveInt } from '../options.ts';
import { runAction } from '../output.ts';
import { fmt, progressLine } from '../progress.ts';
import { keyArg, readText } from '../read-input.ts';
import { printLine, withApp } from '../with-app.ts';
import { io } from '../io.ts';

const collect = (v: string, prev: string[]) => [...prev, v];

type KeyRole = 'party' | 'witness' | 'partner';
const isKeyRole = (r: string): r is KeyRole => r === 'party' || r === 'witness' || r === 'partner';

function entryIndex(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) throw new PortcullisError('INVALID_INPUT', `entry "${v}" is not an entry index`, [{ field: 'entry', problem: `"${v}"`, expected: 'a whole number from 0 (`portcullis ledger entries` lists them)' }]);
  return n;
}

export function ledgerCommand(program: Command): void {
  const cmd = program.command('ledger').description('the shared ledger: status, entries, checkpoints, verification, proofs, keys');

  cmd
    .command('status')
    .description('size, latest checkpoint and its cosignatures, the log key')
    .option('--json', 'print one JSON object', false)
    .action((o: { json: boolean }) =>
      runAction(o.json, (out) =>
        withApp(async (app) => {
          const ledger = ledgerOf(app);
          const size = await ledger.repo.size();
          const p = await publishedCheckpoint(ledger);
          const cos = p === undefined ? [] : await ledger.repo.cosignatures(p.checkpoint.size);
          out.result({ origin: ledger.origin, logKey: ledger.verifierKey, size, checkpoint: p === undefined ? null : { size: p.checkpoint.size, root: p.checkpoint.root, signedAt: p.checkpoint.signedAt, cosignatures: cos.map((c) => ({ witness: c.witness, time: c.time })) } }, [
            `log ${ledger.origin}: ${fmt(size)} entries`,
            `log key ${ledger.verifierKey}`,
            p === undefined ? 'no checkpoint signed yet' : `latest checkpoint: ${fmt(p.checkpoint.size)} entries, root ${p.checkpoint.root}, signed ${p.checkpoint.signedAt}, cosigned by ${cos.length === 0 ? 'no witness' : cos.map((c) => c.witness).join(', ')}`,
          ]);
        }),
      ),
    );

  cmd
    .command('key')
    .description("print the log's public (verifier) key, for `check-proof --key` and witnesses")
    .action(printLine((app) => ledgerOf(app).verifierKey));

  cmd
    .command('witness-key')
    .description("print this deployment's witness (cosignature) public key, for a partner service to register with `ledger keys add VKEY --role witness`")
    .action(printLine((app) => witnessVerifierKey(app)));

  cmd
    .command('checkpoint')
    .description('print the latest signed checkpoint (or the one of --size) with its cosignatures; --sign signs one of the tree as it stands')
    .option('--size <n>', 'the checkpoint of this tree size')
    .option('--sign', 'sign a checkpoint now, if entries came since the last one', false)
    .action((o: { size?: string; sign: boolean }) =>
      runAction(false, () =>
        withApp(async (app) => {
          const ledger = ledgerOf(app);
          if (o.sign) await ledger.checkpoint();
          const p = await publishedCheckpoint(ledger, o.size === undefined ? undefined : positiveInt('--size', o.size));
          if (p === undefined) throw new PortcullisError('NOT_FOUND', o.size === undefined ? 'the log has signed no checkpoint yet (try --sign)' : `no checkpoint of ${o.size} entries`);
          io.out.write(p.note);
        }),
      ),
    );

  cmd
    .command('entries')
    .description('entries of the log: an index range, or those filed under a subject (declaration:ID, rule:ID…)')
    .option('--subject <s>', 'only the entries about this subject')
    .option('--from <n>', 'first index', '0')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print one JSON object', false)
    .action((o: { subject?: string; from: string; limit: string; json: boolean }) =>
      runAction(o.json, (out) =>
        withApp(async (app) => {
          const repo = ledgerOf(app).repo;
          const from = entryIndex(o.from);
          const entries = o.subject !== undefined ? await repo.entriesAbout(o.subject) : await repo.entries(from, from + positiveInt('--limit', o.limit));
          out.result({ entries }, entries.length === 0 ? ['no entries'] : entries.map((e) => `${String(e.index).padStart(8)}  ${e.time}  ${e.type.padEnd(20)} ${e.party.padEnd(16)} ${e.subject ?? '-'}${e.corrects === null ? '' : `  corrects ${e.corrects}`}`));
        }),
      ),
    );

  cmd
    .command('verify')
    .description('re-compute the whole tree from the stored entries and check it against every signed checkpoint; names each entry, node or checkpoint that fails')
    .option('--signatures', "also check every entry's signature against its party's key (about 75 µs an entry)", false)
    .option('--no-payloads', 'skip checking the stored payloads against their commitments')
    .option('--key <vkey>', "the log's verifier key (default: this service's own); @file reads it from a file")
    .option('--json', 'print one JSON object', false)
    .action((o: { signatures: boolean; payloads: boolean; key?: string; json: boolean }) =>
      runAction(o.json, async (out) => {
        const key = o.key === undefined ? undefined : await keyArg(o.key);
        if (key !== undefined) verifierOf('--key', key);
        return withApp(async (app) => {
          const ledger = ledgerOf(app);
          const bar = progressLine();
          const { sqliteFile, databaseUrl, pgSchema } = app.config;
          const r = await verifyLedger(ledger.repo, { logKey: key ?? ledger.verifierKey, signatures: o.signatures, payloads: o.payloads, store: { sqliteFile, databaseUrl, pgSchema }, dataKeys: dataKeysText(app.config), onProgress: (done, total) => bar.update(`verifying ${fmt(done)} of ${fmt(total)} entries`) });
          bar.done();
          out.result(r, [
            r.ok ? `ledger verified: ${fmt(r.entries)} entries, ${fmt(r.checkpoints)} checkpoints${r.latest ? `, latest ${fmt(r.latest.size)} entries root ${r.latest.root}` : ''}` : `ledger verification FAILED: ${fmt(r.findingCount)} problem${r.findingCount === 1 ? '' : 's'}`,
            `checked ${fmt(r.checked.leaves)} leaf hashes, ${fmt(r.checked.nodes)} tree nodes, ${fmt(r.checked.payloads)} payloads, ${fmt(r.checked.signatures)} entry signatures, ${fmt(r.checked.cosignatures)} cosignatures in ${r.seconds} s`,
            ...r.findings.map((f) => `  [${f.check}] ${f.message}`),
            ...(r.findingCount > r.findings.length ? [`  … and ${fmt(r.findingCount - r.findings.length)} more`] : []),
          ]);
          return r.ok ? 0 : 1;
        });
      }),
    );

  cmd
    .command('prove')
    .description('print the inclusion proof bundle of an entry, which anyone can check offline with `ledger check-proof`')
    .argument('<entry>', 'entry index')
    .option('--size <n>', 'against the checkpoint of this size (default: the latest)')
    .option('--with-payload', "include the entry's payload and salt (for the party it belongs to)", false)
    .option('--out <file>', 'write the bundle to this file instead of stdout')
    .action((entry: string, o: { size?: string; withPayload: boolean; out?: string }) =>
      runAction(false, () =>
        withApp(async (app) => {
          const bundle = await proveEntry(ledgerOf(app), entryIndex(entry), { ...(o.size === undefined ? {} : { size: positiveInt('--size', o.size) }), withPayload: o.withPayload });
          const text = `${JSON.stringify(bundle, null, 2)}\n`;
          if (o.out === undefined) io.out.write(text);
          else await writeFile(o.out, text);
        }),
      ),
    );

  cmd
    .command('check-proof')
    .description('check an inclusion proof bundle offline (no database): the checkpoint is signed by the log key, the entry is in it, and the payload (when present) is what it committed to')
    .argument('<bundle>', 'the bundle file (- for stdin)')
    .requiredOption('--key <vkey>', "the log's verifier key (@file reads it from a file)")
    .option('--party-key <vkey>', "also check the entry's signature with the party's verifier key")
    .option('--witness <vkey>', 'a witness verifier key whose cosignature to check (repeatable)', collect, [])
    .option('--json', 'print one JSON object', false)
    .action((file: string, o: { key: string; partyKey?: string; witness: string[]; json: boolean }) =>
      runAction(o.json, async (out) => {
        const log = verifierOf('--key', await keyArg(o.key));
        const party = o.partyKey === undefined ? undefined : verifierOf('--party-key', await keyArg(o.partyKey));
        const witnesses = await Promise.all(o.witness.map(async (w) => verifierOf('--witness', await keyArg(w))));
        const text = await readText(file, 'bundle');
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          throw new PortcullisError('INVALID_FILE', `${file} is not JSON`, [{ field: '(bundle)', problem: 'not JSON', expected: 'the JSON that `portcullis ledger prove` prints' }]);
        }
        const r = checkProofBundle(parsed, log, { ...(party ? { party } : {}), witnesses });
        out.result({ ok: true, index: r.index, type: r.entry.type, party: r.entry.party, checkpoint: { origin: r.checkpoint.origin, size: r.checkpoint.size }, cosignedBy: r.cosignedBy, payload: r.payload, partySignature: r.partySignature }, [
          `proof OK: entry ${r.index} (${r.entry.type} by ${r.entry.party} at ${r.entry.time}) is in ${r.checkpoint.origin} at size ${fmt(r.checkpoint.size)}`,
          `checkpoint signed by the log key${r.cosignedBy.length > 0 ? `, cosigned by ${r.cosignedBy.join(', ')}` : ''}`,
          ...(r.payload === null ? [] : ['payload matches the entry\'s commitment']),
          ...(r.partySignature === null ? [] : [`entry signature verified with ${r.entry.party}'s key`]),
        ]);
      }),
    );

  cmd
    .command('verify-checkpoint')
    .description('verify any C2SP checkpoint (ours or another log\'s) with the log\'s verifier key, offline')
    .argument('<file>', 'the signed checkpoint note (- for stdin)')
    .requiredOption('--key <vkey>', "the log's verifier key (@file reads it from a file)")
    .option('--origin <origin>', "the checkpoint's origin, when it differs from the key's name (sum.golang.org: \"go.sum database tree\")")
    .option('--witness <vkey>', 'a witness verifier key whose cosignature must verify (repeatable)', collect, [])
    .option('--json', 'print one JSON object', false)
    .action((file: string, o: { key: string; origin?: string; witness: string[]; json: boolean }) =>
      runAction(o.json, async (out) => {
        const log = verifierOf('--key', await keyArg(o.key));
        const witnesses = await Promise.all(o.witness.map(async (w) => verifierOf('--witness', await keyArg(w))));
        const note = await readText(file, 'checkpoint');
        const opened = verifyCheckpointNote(note, log, witnesses, o.origin);
        const c = opened.checkpoint;
        out.result({ ok: true, origin: c.origin, size: c.size, root: Buffer.from(c.root).toString('base64'), extensions: c.extensions, cosignatures: opened.cosignatures }, [
          `checkpoint OK: ${c.origin}, ${fmt(c.size)} entries, root ${Buffer.from(c.root).toString('base64')}`,
          ...opened.cosignatures.map((s) => `cosigned by ${s.name}${s.time === null ? '' : ` at ${new Date(s.time * 1000).toISOString()}`}`),
        ]);
      }),
    );

  const keys = cmd.command('keys').description('keys: generate a key pair, register or revoke the public keys of parties and witnesses');
  keys
    .command('generate')
    .description('print a new Ed25519 key pair in the signed-note formats (keep the private key to yourself)')
    .argument('<name>', 'the key name: the party id, or the witness name')
    .option('--cosigner', 'a witness cosignature key (tlog-cosignature/v1, type 0x04)', false)
    .option('--json', 'print one JSON object', false)
    .action((name: string, o: { cosigner: boolean; json: boolean }) =>
      runAction(o.json, async (out) => {
        const k = newKeyPair(name, o.cosigner);
        out.result(k, [`private key (keep secret): ${k.signerKey}`, `verifier key (publish):   ${k.verifierKey}`]);
      }),
    );
  keys
    .command('add')
    .description("register a party's or a witness's verifier key with the log")
    .argument('<vkey>', 'the verifier key (@file reads it from a file)')
    .requiredOption('--role <role>', 'party (signs entries), witness (cosigns checkpoints) or partner (another customs service: signs the risk alerts it sends)')
    .option(...AS_OPTION)
    .option('--json', 'print one JSON object', false)
    .action((vkey: string, o: { role: string; as?: string; json: boolean }) =>
      runAction(o.json, async (out) => {
        if (!isKeyRole(o.role)) throw new PortcullisError('INVALID_INPUT', `--role "${o.role}" is not a role`, [{ field: '--role', problem: `"${o.role}"`, expected: 'party, witness or partner' }]);
        const text = await keyArg(vkey);
        return withApp(async (app) => {
          const k = await addLedgerKey(app, actorOf(o), text, o.role as KeyRole);
          out.result({ ok: true, key: k }, [`registered ${k.role} key ${k.name}+${k.keyId}`]);
        });
      }),
    );
  keys
    .command('revoke')
    .description('revoke a registered key (entries it signed stay verifiable; it signs nothing new)')
    .argument('<name>', 'key name')
    .argument('<keyid>', 'key id, 8 hex digits')
    .requiredOption('--role <role>', 'party, witness or partner')
    .option(...AS_OPTION)
    .action((name: string, keyId: string, o: { role: string; as?: string }) =>
      runAction(false, (out) =>
        withApp(async (app) => {
          if (!isKeyRole(o.role)) throw new PortcullisError('INVALID_INPUT', `--role "${o.role}" is not a role`, [{ field: '--role', problem: `"${o.role}"`, expected: 'party, witness or partner' }]);
          await revokeLedgerKey(app, actorOf(o), name, keyId, o.role);
          out.result({ ok: true }, [`revoked ${o.role} key ${name}+${keyId}`]);
        }),
      ),
    );
  keys
    .command('list')
    .description('the keys the log knows')
    .option('--json', 'print one JSON object', false)
    .action((o: { json: boolean }) =>
      runAction(o.json, (out) =>
        withApp(async (app) => {
          const ledger = ledgerOf(app);
          const ks = await ledger.repo.keys();
          out.result({ log: ledger.verifierKey, keys: ks }, [`log ${ledger.verifierKey}`, ...ks.map((k) => `${k.role.padEnd(8)} ${k.vkey}${k.revokedAt ? `  (revoked ${k.revokedAt})` : ''}`)]);
        }),
      ),
    );

  cmd
    .command('sign')
    .description('as a party, offline: make a signed entry for a payload (JSON file), to submit with `ledger submit`')
    .argument('<payload>', 'the payload, a JSON file (- for stdin)')
    .requiredOption('--key <skey>', "the party's private key (@file reads it from a file)")
    .requiredOption('--type <type>', `the entry type: ${ENTRY_TYPE_NAMES.join(', ')}`)
    .option('--subject <s>', 'what it is about (declaration:ID…)')
    .option('--corrects <n>', 'the index of the entry it corrects')
    .action((file: string, o: { key: string; type: string; subject?: string; corrects?: string }) =>
      runAction(false, async () => {
        const signer = signerKey('--key', await keyArg(o.key));
        let payload: unknown;
        try {
          payload = JSON.parse(await readText(file, 'payload'));
        } catch (e) {
          if (e instanceof PortcullisError) throw e;
          throw new PortcullisError('INVALID_FILE', `${file} is not JSON`, [{ field: 'payload', problem: 'not JSON', expected: 'a JSON document' }]);
        }
        const item = signPartyEntry({ signer, type: o.type, payload, time: new Date().toISOString(), corrects: o.corrects === undefined ? null : entryIndex(o.corrects), subject: o.subject ?? null });
        io.out.write(`${JSON.stringify(item)}\n`);
      }),
    );

  cmd
    .command('submit')
    .description('submit entries signed by a party (JSON lines as `ledger sign` prints); the log checks each signature and commitment before it accepts any')
    .argument('<file>', 'JSON lines (- for stdin)')
    .option('--json', 'print one JSON object', false)
    .action((file: string, o: { json: boolean }) =>
      runAction(o.json, async (out) => {
        const lines = (await readText(file, 'entries')).split('\n').filter((l) => l.trim() !== '');
        const items = lines.map((l, i) => {
          try {
            return JSON.parse(l) as { entry: unknown; payload: unknown; salt: string; subject: string | null };
          } catch {
            throw new PortcullisError('INVALID_FILE', `line ${i + 1} of ${file} is not JSON`, [{ row: i + 1, field: '(line)', problem: 'not JSON', expected: 'one JSON object a line, as `ledger sign` prints' }]);
          }
        });
        return withApp(async (app) => {
          const indices = await ledgerOf(app).submit(items.map((it) => ({ entry: it.entry, payload: it.payload, salt: String(it.salt), subject: it.subject ?? null })));
          out.result({ ok: true, indices }, [`accepted ${indices.length} entr${indices.length === 1 ? 'y' : 'ies'}: ${indices.join(', ')}`]);
        });
      }),
    );

  cmd
    .command('serve')
    .description("publish the log over HTTP for witnesses and verifiers (checkpoints with cosignatures, proofs, the log key; cosignatures in)")
    .option('--port <n>', 'port (0: any free one, printed)', '8081')
    .option('--host <h>', 'address to listen on', '127.0.0.1')
    .action((o: { port: string; host: string }) =>
      runAction(false, (out) =>
        withApp(async (app) => {
          const { ledgerHttpServer } = await import('../../app/ledger/http.ts');
          const ledger = ledgerOf(app);
          await ledger.checkpoint();
          const server = ledgerHttpServer(ledger, app.clock);
          const port = boundedNumber('--port', o.port, 0, 65535, 'a port number from 0 to 65535');
          await new Promise<void>((resolve) => server.listen(port, o.host, resolve));
          const addr = server.address();
          out.text(`ledger ${ledger.origin} published at http://${o.host}:${typeof addr === 'object' && addr ? addr.port : o.port}/api/v1/ledger/checkpoint (key ${ledger.verifierKey})`);
          await new Promise<void>((resolve) => {
            const stop = () => server.close(() => resolve());
            process.once('SIGINT', stop);
            process.once('SIGTERM', stop);
          });
        }),
      ),
    );
}
