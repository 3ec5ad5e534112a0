import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jobRegistry } from '../../../src/app/jobs/jobs.ts';
import { PortcullisError } from '../../../src/domain/errors.ts';

test('a job reports progress, then its result; a failed one its error code, never a stack', async () => {
  const jobs = jobRegistry();
  let step!: () => void;
  const gate = new Promise<void>((r) => (step = r));
  const ok = jobs.start('work', 'ana', async (report) => {
    report(0.5, 'half way');
    await gate;
    return { answer: 42 };
  });
  assert.equal(ok.status, 'running');
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(jobs.get(ok.id)!.progress, 0.5);
  assert.equal(jobs.get(ok.id)!.message, 'half way');
  const bad = jobs.start('work', 'ana', async () => {
    throw new PortcullisError('INVALID_INPUT', 'nothing to train on');
  });
  const crash = jobs.start('work', 'ana', async () => {
    throw new Error('secret internals');
  });
  step();
  await jobs.idle();
  assert.deepEqual([jobs.get(ok.id)!.status, jobs.get(ok.id)!.progress, jobs.get(ok.id)!.result], ['succeeded', 1, { answer: 42 }]);
  assert.deepEqual(jobs.get(bad.id)!.error, { code: 'INVALID_INPUT', message: 'nothing to train on' });
  assert.deepEqual(jobs.get(crash.id)!.error, { code: 'INTERNAL', message: 'the job failed' });
  assert.equal(jobs.get('nope'), undefined);
});

test('finished jobs beyond the kept number are forgotten, oldest first', async () => {
  const jobs = jobRegistry(() => new Date(), 3);
  const ids = [];
  for (let i = 0; i < 5; i += 1) {
    ids.push(jobs.start('w', 'a', async () => i).id);
    await jobs.idle();
  }
  assert.equal(jobs.get(ids[0]!), undefined);
  assert.ok(jobs.get(ids[4]!) !== undefined);
});
