import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  NoteError,
  appendSignatures,
  formatCheckpoint,
  generateSignerKey,
  openCheckpoint,
  parseCheckpoint,
  parseSignerKey,
  parseVerifierKey,
  signCheckpoint,
  signNote,
  type Checkpoint,
} from '../../../src/ledger/note/index.ts';
import { noteError, seedBytes, vectors } from './vectors.ts';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const ROOT = seedBytes('root');

describe('checkpoints: the real sum.golang.org checkpoint', () => {
  it('opens with its verifier key; the body parses', (t) => {
    const v = vectors(t, 'checkpoint-vectors.json');
    if (v === undefined) return;
    const r = v.real_sum_golang_org_checkpoint;
    const log = parseVerifierKey(r.verifier_key);
    const opened = openCheckpoint(r.signed, log, [], { origin: r.origin });
    assert.equal(opened.checkpoint.origin, 'go.sum database tree');
    assert.equal(opened.checkpoint.size, 6476701);
    assert.equal(b64(opened.checkpoint.root), 'mb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=');
    assert.deepEqual(opened.checkpoint.extensions, []);
    assert.equal(formatCheckpoint(opened.checkpoint), opened.text);
    assert.deepEqual(opened.cosignatures, []);
  });

  it('needs the origin said, since its origin is not its key name', (t) => {
    const v = vectors(t, 'checkpoint-vectors.json');
    if (v === undefined) return;
    const r = v.real_sum_golang_org_checkpoint;
    assert.throws(() => openCheckpoint(r.signed, parseVerifierKey(r.verifier_key)), noteError('ORIGIN_MISMATCH', /expected "sum\.golang\.org"/));
  });

  it('verifies the extra cosigner lines against their keys once appended', (t) => {
    const v = vectors(t, 'checkpoint-vectors.json');
    if (v === undefined) return;
    const r = v.real_sum_golang_org_checkpoint;
    const log = parseVerifierKey(r.verifier_key);
    const witnesses = (r.extra_cosigner_vkeys as string[]).map(parseVerifierKey);
    const signed = appendSignatures(r.signed, r.extra_cosigner_lines);
    const opened = openCheckpoint(signed, log, witnesses, { origin: r.origin });
    assert.deepEqual(opened.cosignatures.map((c) => [c.name, c.time]), [['monkeys', null], ['bananas', null], ['witness', null]]);
    assert.deepEqual(openCheckpoint(signed, log, witnesses.slice(1), { origin: r.origin }).cosignatures.length, 2, 'an unknown one is ignored');
    // A changed character after the key id (the first 6 base64 characters and a bit) keeps the key known.
    const tampered = signed.replace(/(— bananas .{20})(.)/, (_, head: string, c: string) => `${head}${c === 'A' ? 'B' : 'A'}`);
    assert.throws(() => openCheckpoint(tampered, log, witnesses, { origin: r.origin }), noteError('BAD_SIGNATURE', /bananas/));
    const withoutLog = signed.replace(/— sum\.golang\.org .*\n/, '');
    assert.throws(() => openCheckpoint(withoutLog, log, witnesses, { origin: r.origin }), noteError('UNVERIFIED', /no signature by the log key sum\.golang\.org/));
  });
});

describe('checkpoints: transparency-dev body vectors, under C2SP rules', () => {
  it('keeps the marshal layout, but refuses roots that are not 32 bytes', (t) => {
    const v = vectors(t, 'checkpoint-vectors.json');
    if (v === undefined) return;
    assert.equal(v.checkpoint_body_marshal.length, 2);
    for (const m of v.checkpoint_body_marshal) {
      const hash = new TextEncoder().encode(m.hash_utf8);
      const c = { origin: m.origin, size: m.size, root: hash, extensions: [] };
      assert.throws(() => formatCheckpoint(c), noteError('MALFORMED_CHECKPOINT', new RegExp(`32-byte hash, got ${hash.length} bytes`)));
      assert.throws(() => parseCheckpoint(m.want), noteError('MALFORMED_CHECKPOINT', new RegExp(`got ${hash.length} bytes`)));
      const root = createHash('sha256').update(hash).digest();
      const want = m.want.replace(b64(hash), b64(root));
      assert.equal(formatCheckpoint({ ...c, root }), want);
      assert.deepEqual(parseCheckpoint(want), { ...c, root: new Uint8Array(root) });
    }
  });

  it('reads the rest as extension lines once the root is a 32-byte hash', (t) => {
    const v = vectors(t, 'checkpoint-vectors.json');
    if (v === undefined) return;
    const good = (v.checkpoint_body_unmarshal as { m: string; ok: boolean; rest?: string }[]).filter((u) => u.ok);
    assert.equal(good.length, 3);
    for (const u of good) {
      assert.throws(() => parseCheckpoint(u.m), noteError('MALFORMED_CHECKPOINT', /32-byte SHA-256 hash, got (7|37) bytes/), u.m);
      const lines = u.m.split('\n');
      lines[2] = b64(ROOT);
      const m = lines.join('\n');
      const c = parseCheckpoint(m);
      assert.deepEqual(c.extensions, u.rest === '' ? [] : u.rest!.slice(0, -1).split('\n'));
      assert.equal(formatCheckpoint(c), m);
    }
  });

  const reasons: Record<string, RegExp> = {
    'insufficient lines': /at least 3 lines/,
    'empty origin': /origin \(line 1\): expected a non-empty line/,
    'missing newline on root hash': /end in a newline/,
    'size not a number': /size \(line 2\): expected a decimal number/,
    'negative size': /size \(line 2\): expected a decimal number with no sign/,
    'size > uint64': /above the uint64 maximum/,
    'root not base64': /root hash \(line 3\): expected standard base64/,
  };
  it('rejects every bad body, saying why', (t) => {
    const v = vectors(t, 'checkpoint-vectors.json');
    if (v === undefined) return;
    const bad = (v.checkpoint_body_unmarshal as { m: string; ok: boolean; why?: string }[]).filter((u) => !u.ok);
    assert.equal(bad.length, 7);
    for (const u of bad) {
      const reason = reasons[u.why!];
      assert.ok(reason !== undefined, `no expected reason for the vector ${JSON.stringify(u.why)}`);
      assert.throws(() => parseCheckpoint(u.m), noteError('MALFORMED_CHECKPOINT', reason), u.why);
    }
  });
});

describe('checkpoints: C2SP rules', () => {
  const body = (size: string, root = b64(ROOT), rest = '') => `log.example\n${size}\n${root}\n${rest}`;

  it('parses the Go tree note', (t) => {
    const v = vectors(t, 'note-vectors.json');
    if (v === undefined) return;
    const c = parseCheckpoint(v.go_sumdb_tree_note.text);
    assert.equal(c.size, 123456789012);
    assert.deepEqual(c.root, new Uint8Array(createHash('sha256').update(Buffer.from('\x00hello world', 'latin1')).digest()));
    assert.equal(formatCheckpoint(c), v.go_sumdb_tree_note.text);
  });

  it('takes sizes 0 … Number.MAX_SAFE_INTEGER, in decimal without leading zeroes', () => {
    assert.equal(parseCheckpoint(body('0')).size, 0);
    assert.equal(parseCheckpoint(body(String(Number.MAX_SAFE_INTEGER))).size, Number.MAX_SAFE_INTEGER);
    for (const size of ['00', '0123', '+1', '1e3', '0x10', ' 1', '1.0', '１', '']) {
      assert.throws(() => parseCheckpoint(body(size)), noteError('MALFORMED_CHECKPOINT', /size \(line 2\)/), size);
    }
    assert.throws(() => parseCheckpoint(body(String(2 ** 53))), noteError('MALFORMED_CHECKPOINT', /above 9007199254740991, the largest tree/));
    assert.throws(() => parseCheckpoint(body('18446744073709551615')), noteError('MALFORMED_CHECKPOINT', /the largest tree/));
    assert.throws(() => parseCheckpoint(body('18446744073709551616')), noteError('MALFORMED_CHECKPOINT', /uint64/));
    assert.throws(() => parseCheckpoint(body('9'.repeat(5000))), noteError('MALFORMED_CHECKPOINT', /uint64/));
  });

  it('refuses empty extension lines (transparency-dev accepts trailing blank lines), control characters and odd roots', () => {
    assert.throws(() => parseCheckpoint(body('1', undefined, '\n\n\n')), noteError('MALFORMED_CHECKPOINT', /extension line 4/));
    assert.throws(() => parseCheckpoint(body('1', undefined, 'a\n\nb\n')), noteError('MALFORMED_CHECKPOINT', /extension line 5/));
    assert.throws(() => parseCheckpoint(body('1', undefined, 'tab\there\n')), noteError('MALFORMED_CHECKPOINT', /control character 0x09/));
    assert.throws(() => parseCheckpoint(body('1').replace('\n', '\r\n')), noteError('MALFORMED_CHECKPOINT', /0x0d/));
    const noPad = b64(ROOT).replace(/=$/, '');
    assert.throws(() => parseCheckpoint(body('1', noPad)), noteError('MALFORMED_CHECKPOINT', /base64/));
    const urlSafe = b64(ROOT).replace(/\+/g, '-').replace(/\//g, '_');
    if (urlSafe !== b64(ROOT)) assert.throws(() => parseCheckpoint(body('1', urlSafe)), noteError('MALFORMED_CHECKPOINT', /base64/));
    const strayBits = `${b64(ROOT).slice(0, 42)}${b64(ROOT)[42] === 'B' ? 'C' : 'B'}=`;
    assert.throws(() => parseCheckpoint(body('1', strayBits)), noteError('MALFORMED_CHECKPOINT', /base64/));
  });

  it('refuses to format what it could not parse', () => {
    const c: Checkpoint = { origin: 'log.example', size: 1, root: ROOT, extensions: [] };
    assert.throws(() => formatCheckpoint({ ...c, origin: '' }), noteError('MALFORMED_CHECKPOINT', /origin/));
    assert.throws(() => formatCheckpoint({ ...c, origin: 'a\nb' }), noteError('MALFORMED_CHECKPOINT', /origin/));
    assert.throws(() => formatCheckpoint({ ...c, size: -1 }), noteError('MALFORMED_CHECKPOINT', /size/));
    assert.throws(() => formatCheckpoint({ ...c, size: 1.5 }), noteError('MALFORMED_CHECKPOINT', /size/));
    assert.throws(() => formatCheckpoint({ ...c, size: 2 ** 53 }), noteError('MALFORMED_CHECKPOINT', /size/));
    assert.throws(() => formatCheckpoint({ ...c, extensions: [''] }), noteError('MALFORMED_CHECKPOINT', /extension 1/));
    assert.throws(() => formatCheckpoint({ ...c, origin: 'bell\x07' }), noteError('MALFORMED_CHECKPOINT', /0x07/));
  });

  // eslint-disable-next-line no-control-regex -- note text has no control characters
  const noControl = (s: string) => !/[\u0000-\u001f]/.test(s);
  const checkpoint = fc.record({
    origin: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter(noControl),
    size: fc.maxSafeNat(),
    root: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    extensions: fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).filter(noControl), { maxLength: 3 }),
  });

  it('round-trips: parse(format(c)) is c and format(parse(text)) is text, byte for byte', () => {
    fc.assert(
      fc.property(checkpoint, (c) => {
        const text = formatCheckpoint(c);
        const parsed = parseCheckpoint(text);
        assert.deepEqual(parsed, { ...c });
        assert.equal(formatCheckpoint(parsed), text);
      }),
      { numRuns: 300 },
    );
  });

  it('fails on any text only with a MALFORMED_CHECKPOINT', () => {
    const lines = fc.array(fc.oneof(fc.string({ maxLength: 50 }), fc.constantFrom('0', '18446744073709551616', b64(ROOT), '')), { maxLength: 6 });
    fc.assert(
      fc.property(lines, fc.boolean(), (ls, newline) => {
        const text = ls.join('\n') + (newline ? '\n' : '');
        try {
          const c = parseCheckpoint(text);
          assert.equal(formatCheckpoint(c), text);
        } catch (e) {
          assert.ok(e instanceof NoteError && e.code === 'MALFORMED_CHECKPOINT', String(e));
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('checkpoints: signing and opening', () => {
  const log = generateSignerKey('log.example/a', seedBytes('log.example/a'));
  const signer = parseSignerKey(log.signerKey);
  const verifier = parseVerifierKey(log.verifierKey);
  const c: Checkpoint = { origin: 'log.example/a', size: 42, root: ROOT, extensions: ['ext one'] };

  it('signs and opens, with the origin matching the key name', () => {
    const signed = signCheckpoint(c, signer);
    assert.match(signed, /^log\.example\/a\n42\n.{44}\next one\n\n— log\.example\/a .{92}\n$/);
    const opened = openCheckpoint(signed, verifier);
    assert.deepEqual(opened.checkpoint, c);
    assert.equal(opened.text, formatCheckpoint(c));
  });

  it('refuses a checkpoint of another origin, signed or to sign', () => {
    assert.throws(() => signCheckpoint({ ...c, origin: 'log.example/b' }, signer), noteError('ORIGIN_MISMATCH'));
    const signed = signCheckpoint(c, signer);
    assert.throws(() => openCheckpoint(signed, verifier, [], { origin: 'log.example/b' }), noteError('ORIGIN_MISMATCH', /expected "log\.example\/b"/));
  });

  it('requires the log signature, not any known one', () => {
    const other = generateSignerKey('other.example', seedBytes('other'));
    const signed = signCheckpoint(c, signer);
    assert.throws(() => openCheckpoint(signed, parseVerifierKey(other.verifierKey)), noteError('UNVERIFIED'));
    const unsigned = appendSignatures(signed, []).replace(/— log\.example\/a .*\n$/, '');
    assert.throws(() => openCheckpoint(unsigned, verifier), noteError('MALFORMED_NOTE'));
  });

  it('refuses a signed note whose text is not a checkpoint', () => {
    const notCheckpoint = signNote('log.example/a\n42\n', [signer]);
    assert.throws(() => openCheckpoint(notCheckpoint, verifier), noteError('MALFORMED_CHECKPOINT', /at least 3 lines/));
  });
});
