import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isPortcullisError } from '../../src/domain/errors.ts';
import { rulesRepo } from '../../src/store/index.ts';
import { forEachStore } from '../support/stores.ts';
import { at, ruleDefinition, ruleVersion } from '../support/targeting-fixtures.ts';

forEachStore('rules repo', (h) => {
  it('a version round-trips with every field, and without the optional ones', async () => {
    const store = await h.open();
    const repo = rulesRepo(store.db);
    const full = ruleVersion('R-1', 1, {
      ...ruleDefinition({ validFrom: '2024-01-01T00:00:00.000Z', validTo: '2025-01-01T00:00:00.000Z', offices: ['NLRTM01', 'KRPUS02'], action: { type: 'force-lane', lane: 'red' } }),
      status: 'retired', submittedAt: at(2), approvedBy: 'sup', approvedAt: at(3), activatedBy: 'sup', activatedAt: at(4), retiredBy: 'admin', retiredAt: at(5),
    });
    const bare = ruleVersion('R-2', 1);
    await repo.insertVersion(full);
    await repo.insertVersion(bare);
    assert.deepEqual(await repo.get('R-1', 1), full);
    assert.deepEqual(await repo.get('R-2', 1), bare);
    assert.equal(await repo.get('R-2', 2), undefined);
    assert.equal(await repo.get('R-404'), undefined);
  });

  it('get without a version is the latest; versions are oldest first; nextVersion counts on', async () => {
    const store = await h.open();
    const repo = rulesRepo(store.db);
    assert.equal(await repo.nextVersion('R-1'), 1);
    for (const v of [1, 3, 2]) await repo.insertVersion(ruleVersion('R-1', v, { name: `version ${v}` }));
    await repo.insertVersion(ruleVersion('R-10', 7));
    assert.equal((await repo.get('R-1'))?.name, 'version 3');
    assert.deepEqual((await repo.versions('R-1')).map((v) => v.version), [1, 2, 3]);
    assert.equal(await repo.nextVersion('R-1'), 4);
    assert.equal(await repo.nextVersion('R-10'), 8);
  });

  it('inserting a version that is taken is a CONFLICT and keeps the first', async () => {
    const store = await h.open();
    const repo = rulesRepo(store.db);
    await repo.insertVersion(ruleVersion('R-1', 1));
    await assert.rejects(repo.insertVersion(ruleVersion('R-1', 1, { name: 'other' })), (e) => isPortcullisError(e) && e.code === 'CONFLICT');
    assert.equal((await repo.get('R-1', 1))?.name, 'Undervalued laptops');
  });

  it('transition moves a version only from the status the caller saw', async () => {
    const store = await h.open();
    const repo = rulesRepo(store.db);
    await repo.insertVersion(ruleVersion('R-1', 1));
    await repo.insertVersion(ruleVersion('R-1', 2));
    assert.equal(await repo.transition('R-1', 1, 'draft', { status: 'submitted', submittedAt: at(10) }), true);
    // A second move from the same status (a concurrent or repeated request) finds it moved.
    assert.equal(await repo.transition('R-1', 1, 'draft', { status: 'submitted', submittedAt: at(11) }), false);
    assert.equal(await repo.transition('R-1', 1, 'draft', { status: 'retired', retiredBy: 'x', retiredAt: at(11) }), false);
    assert.equal(await repo.transition('R-1', 3, 'draft', { status: 'submitted' }), false);
    assert.equal(await repo.transition('R-1', 1, 'submitted', { status: 'approved', approvedBy: 'sup', approvedAt: at(12) }), true);
    assert.equal(await repo.transition('R-1', 1, 'approved', { status: 'active', activatedBy: 'sup', activatedAt: at(13) }), true);
    assert.deepEqual(await repo.get('R-1', 1), {
      ...ruleVersion('R-1', 1), status: 'active', submittedAt: at(10), approvedBy: 'sup', approvedAt: at(12), activatedBy: 'sup', activatedAt: at(13),
    });
    assert.deepEqual(await repo.get('R-1', 2), ruleVersion('R-1', 2));
  });

  it('list filters by status and pages by (id, version); active lists the active versions', async () => {
    const store = await h.open();
    const repo = rulesRepo(store.db);
    const rows: [string, number, 'draft' | 'active' | 'retired'][] = [['R-2', 1, 'retired'], ['R-2', 2, 'active'], ['R-1', 1, 'active'], ['R-3', 1, 'draft'], ['R-1', 2, 'draft']];
    for (const [id, v, status] of rows) await repo.insertVersion(ruleVersion(id, v, { status }));
    const key = (r: { id: string; version: number }) => `${r.id}@${r.version}`;
    assert.deepEqual((await repo.list()).map(key), ['R-1@1', 'R-1@2', 'R-2@1', 'R-2@2', 'R-3@1']);
    assert.deepEqual((await repo.list({ status: 'draft' })).map(key), ['R-1@2', 'R-3@1']);
    assert.deepEqual((await repo.list({ limit: 2, after: { id: 'R-1', version: 2 } })).map(key), ['R-2@1', 'R-2@2']);
    assert.deepEqual((await repo.active()).map(key), ['R-1@1', 'R-2@2']);
  });
});
