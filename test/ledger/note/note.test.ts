import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ED25519_COSIGNATURE,
  MAX_SIGNATURES,
  appendSignatures,
  generateSignerKey,
  openNote,
  parseCheckpoint,
  parseSignerKey,
  parseVerifierKey,
  signNote,
} from '../../../src/ledger/note/index.ts';
import { noteError, seedBytes, vectors } from './vectors.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
const keyPair = (name: string, type = 0x01) => {
  const k = generateSignerKey(name, seedBytes(name), type);
  return { signer: parseSignerKey(k.signerKey), verifier: parseVerifierKey(k.verifierKey) };
};

describe('signed notes: Go sumdb vectors', () => {
  it('signs the text into exactly the signed note, and opens it', (t) => {
    const v = vectors(t, 'note-vectors.json');
    if (v === undefined) return;
    const g = v.go_sumdb_note;
    const signer = parseSignerKey(g.signer_key);
    assert.equal(signNote(g.text, [signer]), g.signed);
    const opened = openNote(g.signed, [parseVerifierKey(g.verifier_key)]);
    assert.deepEqual(opened, { text: g.text, verified: [{ name: 'PeterNeumann', keyId: 0xc74f20a3 }], unverified: [] });
    assert.deepEqual(openNote(utf8(g.signed), [parseVerifierKey(g.verifier_key)]), opened, 'the same note given as bytes');
  });

  it('verifies the second (EnochRoot) signature line with its key', (t) => {
    const v = vectors(t, 'note-vectors.json');
    if (v === undefined) return;
    const g = v.go_sumdb_note;
    const peter = parseVerifierKey(g.verifier_key);
    const enoch = parseVerifierKey(g.second_verifier_key);
    const both = g.signed + g.second_signature_line;
    const byEnoch = openNote(both, [enoch]);
    assert.deepEqual(byEnoch.verified, [{ name: 'EnochRoot', keyId: 0xaf0cfe78 }]);
    assert.deepEqual(byEnoch.unverified.map((u) => [u.name, u.keyId, u.signature.length]), [['PeterNeumann', 0xc74f20a3, 64]]);
    assert.equal(openNote(both, [peter, enoch]).verified.length, 2);
    const enochSigner = parseSignerKey(generateSignerKey('EnochRoot', new Uint8Array(32)).signerKey);
    assert.equal(signNote(g.text, [parseSignerKey(g.signer_key), enochSigner]), both);
  });

  it('rejects every malformed message the vectors describe', (t) => {
    const v = vectors(t, 'note-vectors.json');
    if (v === undefined) return;
    const g = v.go_sumdb_note;
    const text: string = g.text;
    const sigLine: string = g.signed.slice(text.length + 1);
    const verifier = parseVerifierKey(g.verifier_key);
    const build: Record<string, () => string | Uint8Array> = {
      'TEXT (no blank line / no signatures)': () => text,
      'TEXT + "\\n" (no signatures)': () => `${text}\n`,
      'TEXT + "\\n" + sigline without final newline': () => `${text}\n${sigLine.slice(0, -1)}`,
      '"\\x01" + TEXT + "\\n" + sigline (control char)': () => `\x01${text}\n${sigLine}`,
      '"\\xff" + TEXT + "\\n" + sigline (invalid UTF-8)': () => new Uint8Array([0xff, ...utf8(`${text}\n${sigLine}`)]),
      'TEXT + "\\n" + "— Bad Name <sig>" (space in name)': () => `${text}\n${sigLine.replace('PeterNeumann', 'Bad Name')}`,
      'TEXT + "\\n" + sigline + "Unexpected line.\\n"': () => `${text}\n${sigLine}Unexpected line.\n`,
    };
    const cases: string[] = g.malformed_messages_must_fail;
    assert.equal(cases.length, 7);
    for (const description of cases) {
      const make = build[description];
      assert.ok(make !== undefined, `no construction for the vector ${JSON.stringify(description)}`);
      assert.throws(() => openNote(make(), [verifier]), noteError('MALFORMED_NOTE'), description);
    }
  });

  it('parses the tree note as a checkpoint body', (t) => {
    const v = vectors(t, 'note-vectors.json');
    if (v === undefined) return;
    const c = parseCheckpoint(v.go_sumdb_tree_note.text);
    assert.equal(c.origin, 'go.sum database tree');
    assert.equal(c.size, 123456789012);
  });
});

describe('signed notes: C2SP example', () => {
  it('verifies with its key', (t) => {
    const v = vectors(t, 'note-vectors.json');
    if (v === undefined) return;
    const opened = openNote(v.c2sp_signed_note.signed, [parseVerifierKey(v.c2sp_signed_note.verifier_key)]);
    assert.equal(opened.text, 'This is an example message.\n');
    assert.deepEqual(opened.verified, [{ name: 'example.com/foo', keyId: 0x530d903a }]);
  });
});

describe('signed notes: rules', () => {
  const a = keyPair('a.example');
  const b = keyPair('b.example');
  const text = 'one\n\nthree, after a blank line\n';

  it('keeps blank lines of the text: the last blank line separates the signatures', () => {
    const signed = signNote(text, [a.signer, b.signer]);
    assert.equal(openNote(signed, [a.verifier]).text, text);
    assert.equal(openNote(signNote('\n', [a.signer]), [a.verifier]).text, '\n');
    assert.equal(openNote(signNote('x\n\n', [a.signer]), [a.verifier]).text, 'x\n\n');
  });

  it('keeps a byte order mark, and accepts non-ASCII text and DEL', () => {
    const odd = '\ufeffÄ — ok \u007f 🦀\n';
    assert.equal(openNote(utf8(signNote(odd, [a.signer])), [a.verifier]).text, odd);
  });

  it('rejects a bad signature by a known key, even beside a good one', () => {
    const signed = signNote(text, [a.signer, b.signer]);
    const otherText = signNote('other\n', [b.signer]);
    const forged = signed.replace(/— b\.example .*\n$/, otherText.slice('other\n\n'.length));
    assert.throws(() => openNote(forged, [a.verifier, b.verifier]), noteError('BAD_SIGNATURE', /signature line 2.*b\.example/));
    assert.deepEqual(openNote(forged, [a.verifier]).unverified.map((u) => u.name), ['b.example'], 'b is unknown here, so ignored');
  });

  it('rejects a note with no signature by a known key', () => {
    const signed = signNote(text, [a.signer]);
    assert.throws(() => openNote(signed, [b.verifier]), noteError('UNVERIFIED', /a\.example/));
    assert.throws(() => openNote(signed, []), noteError('UNVERIFIED'));
  });

  it('ignores keys that share only the name or only the key id with a known key', () => {
    const sameName = keyPair('a.example-other');
    const renamed = signNote(text, [sameName.signer]).replace('a.example-other', 'a.example');
    assert.throws(() => openNote(renamed, [a.verifier]), noteError('UNVERIFIED'));
  });

  it('reports repeated lines once', () => {
    const signed = signNote(text, [a.signer, b.signer]);
    const lines = signed.slice(text.length + 1);
    const opened = openNote(signed + lines, [a.verifier]);
    assert.equal(opened.verified.length, 1);
    assert.equal(opened.unverified.length, 1);
  });

  it(`accepts ${MAX_SIGNATURES} signatures and rejects one more`, () => {
    const signed = signNote(text, [a.signer]);
    const unknown = Array.from({ length: MAX_SIGNATURES }, (_, i) => `— k${i} ${Buffer.alloc(68, i).toString('base64')}\n`);
    assert.equal(openNote(signed + unknown.slice(1).join(''), [a.verifier]).unverified.length, MAX_SIGNATURES - 1);
    assert.throws(() => openNote(signed + unknown.join(''), [a.verifier]), noteError('MALFORMED_NOTE', /at most 100/));
  });

  const malformed: [string, () => string | Uint8Array][] = [
    ['a lone surrogate', () => `\ud800${signNote(text, [a.signer])}`],
    ['a tab', () => signNote(text, [a.signer]).replace('one', 'o\tne')],
    ['a carriage return', () => signNote(text, [a.signer]).replace(/\n$/, '\r\n')],
    ['an overlong UTF-8 encoding', () => new Uint8Array([0xc0, 0xaf, ...utf8(signNote(text, [a.signer]))])],
    ['a hyphen for the em dash', () => signNote(text, [a.signer]).replace('—', '-')],
    ['a signature of 4 bytes (key id only)', () => `${text}\n— a.example ${Buffer.alloc(4).toString('base64')}\n`],
    ['no signature after the name', () => `${text}\n— a.example\n`],
    ['an empty signature', () => `${text}\n— a.example \n`],
    ['a plus in the name', () => signNote(text, [a.signer]).replace('— a.example', '— a+example')],
    ['URL-safe base64', () => signNote(text, [a.signer]).replace(/[+/]/g, (c) => (c === '+' ? '-' : '_')) + `— z ${'-'.repeat(8)}\n`],
  ];
  for (const [what, make] of malformed) {
    it(`rejects a note with ${what}`, () => assert.throws(() => openNote(make(), [a.verifier, b.verifier]), noteError('MALFORMED_NOTE')));
  }

  it('splits at the last blank line, so a blank line among the signatures makes them text', () => {
    const split = signNote(text, [a.signer, b.signer]).replace('\n— b', '\n\n— b');
    assert.throws(() => openNote(split, [a.verifier, b.verifier]), noteError('BAD_SIGNATURE', /b\.example/));
    assert.throws(() => openNote(split, [a.verifier]), noteError('UNVERIFIED', /signed by b\.example/));
  });

  it('refuses to sign a bad text, or with a cosignature key', () => {
    assert.throws(() => signNote('no newline', [a.signer]), noteError('MALFORMED_NOTE', /end in a newline/));
    assert.throws(() => signNote('bell \x07\n', [a.signer]), noteError('MALFORMED_NOTE', /0x07/));
    assert.throws(() => signNote(text, []), noteError('MALFORMED_NOTE', /signers/));
    assert.throws(() => signNote(text, [a.signer, a.signer]), noteError('AMBIGUOUS_KEY'));
    const witness = keyPair('w.example', ED25519_COSIGNATURE);
    assert.throws(() => signNote(text, [witness.signer]), noteError('WRONG_KEY_TYPE'));
    assert.throws(() => openNote(signNote(text, [a.signer]), [witness.verifier]), noteError('WRONG_KEY_TYPE', /openCheckpoint/));
  });

  it('refuses two different keys under one name and key id', () => {
    const twin = { ...b.verifier, name: a.verifier.name, keyId: a.verifier.keyId };
    assert.throws(() => openNote(signNote(text, [a.signer]), [a.verifier, twin]), noteError('AMBIGUOUS_KEY'));
    assert.equal(openNote(signNote(text, [a.signer]), [a.verifier, a.verifier]).verified.length, 1);
  });

  it('appends signature lines, skipping those already there', () => {
    const signed = signNote(text, [a.signer]);
    const bLine = signNote(text, [b.signer]).slice(text.length + 1);
    const both = appendSignatures(signed, [bLine, bLine.trimEnd()]);
    assert.equal(both, signed + bLine);
    assert.equal(appendSignatures(both, [bLine]), both);
    assert.equal(openNote(both, [a.verifier, b.verifier]).verified.length, 2);
    assert.throws(() => appendSignatures(signed, ['not a signature']), noteError('MALFORMED_NOTE', /new signature line 1/));
    assert.throws(() => appendSignatures(signed, [`${bLine}${bLine}`]), noteError('MALFORMED_NOTE', /single line/));
    assert.throws(() => appendSignatures(text, [bLine]), noteError('MALFORMED_NOTE'));
  });
});
