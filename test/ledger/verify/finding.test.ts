import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Findings } from '../../../src/ledger/verify/finding.ts';

const entry = (f: Findings, e: number) => f.add({ check: 'leaf-hash', entry: e, message: `entry ${e}` });
const named = (f: Findings) => f.list.map((x) => (x.node === undefined ? `e${x.entry}` : `n${x.node.level}/${x.node.index}`));

describe('Findings', () => {
  it('leaves out the nodes above a named entry, level after level', () => {
    const f = new Findings();
    entry(f, 5);
    f.nodeMismatch(1, 2, true); // entries 4–5
    f.nodeMismatch(2, 1, true); // 4–7
    f.nodeMismatch(3, 0, true); // 0–7
    assert.deepEqual(named(f), ['e5']);
    assert.equal(f.count, 1);
  });

  it('names a node that covers no named entry, though entries after it were named first', () => {
    const f = new Findings();
    entry(f, 12);
    entry(f, 13);
    f.nodeMismatch(2, 1, false); // entries 4–7: its own finding
    f.nodeMismatch(1, 6, true); // entries 12–13: derived
    f.nodeMismatch(3, 0, true); // 0–7, over the named node 2/1: derived
    f.nodeMismatch(3, 2, true); // 16–23: its own
    assert.deepEqual(named(f), ['e12', 'e13', 'n2/1', 'n3/2']);
  });

  it('merges what it has named, in any order, and counts past its list', () => {
    const f = new Findings(2);
    for (const e of [40, 10, 11, 41, 9]) entry(f, e);
    f.nodeMismatch(2, 3, true); // 12–15: not covered
    f.nodeMismatch(3, 1, true); // 8–15: covered (9–11, and 12–15 now)
    f.nodeMismatch(2, 9, true); // 36–39: not covered
    f.nodeMismatch(3, 5, true); // 40–47: covered
    assert.equal(f.count, 7);
    assert.deepEqual(named(f), ['e40', 'e10']);
  });
});
