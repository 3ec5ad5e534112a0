import assert from 'node:assert/strict';
import { test } from 'node:test';
import { throughDay } from '../../web/src/dates.ts';

test('a chosen "to" day is sent as the day after (the API leaves `to` out); across months, years and a leap day', () => {
  assert.equal(throughDay('2025-12-31'), '2026-01-01');
  assert.equal(throughDay('2024-02-28'), '2024-02-29');
  assert.equal(throughDay('2024-02-29'), '2024-03-01');
  assert.equal(throughDay(''), '');
});
