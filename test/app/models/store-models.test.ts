/**
 * Training a model from the store's labelled declarations, as the `model.train` job does: the
 * progress it reports names what it read and what it trained on, in numbers (a job's page shows
 * these messages as they come).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { trainFromStore } from '../../../src/app/models/store-models.ts';
import { openStore, type StoreAdapter } from '../../../src/store/index.ts';
import { addStaff, appOf, generated, ingest, tempDir, type TempDir } from '../targeting/fixtures.ts';

describe('training a model from the store', () => {
  let tmp: TempDir;
  let store: StoreAdapter;
  before(async () => {
    tmp = tempDir('store-models');
    store = await openStore({ sqliteFile: ':memory:' });
    const g = await generated(tmp.path('history.csv'), { rows: 1500, seed: 'store-models-test', start: '2025-01-01', days: 60 });
    await ingest(store, [g.file], tmp.path('rejects.csv'));
  });
  after(async () => {
    await store.close();
    tmp.cleanup();
  });

  test('reports how many declarations it read and trained on, and registers the model', async () => {
    const app = { ...appOf(store), config: { ...appOf(store).config, dataDir: tmp.dir } };
    await addStaff(app);
    const said: [number, string][] = [];
    const m = await trainFromStore(app, 'ana', { label: 'illicit', validFrom: '2025-02-15', seed: 3 }, (p, message) => said.push([p, message]));
    const messages = said.map(([, s]) => s);
    assert.ok(messages.includes('read 1500 declarations'), messages.join(' | '));
    const last = messages.find((s) => s.startsWith('trained on'));
    assert.match(last ?? '', /^trained on (\d+) declarations, validated on (\d+); registering$/, messages.join(' | '));
    const [, trained, validated] = /^trained on (\d+) declarations, validated on (\d+)/.exec(last!)!;
    assert.equal(Number(trained) + Number(validated), 1500);
    assert.ok(Number(validated) > 0 && Number(trained) > Number(validated));
    // Progress only grows.
    for (let i = 1; i < said.length; i++) assert.ok(said[i]![0] >= said[i - 1]![0], `progress went back at "${said[i]![1]}"`);
    assert.equal(typeof m.id, 'string');
  });
});
