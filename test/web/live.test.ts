import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventParser } from '../../web/src/live.ts';

test('the event-stream parser: events split across chunks, comments, CRLF, several data lines, a default name', () => {
  const parse = eventParser();
  assert.deepEqual(parse('retry: 2000\n\nevent: work'), []);
  assert.deepEqual(parse('list\ndata: {"token":"a"}\n'), []);
  assert.deepEqual(parse('\n: still here\n\n'), [{ event: 'worklist', data: '{"token":"a"}' }]);
  assert.deepEqual(parse('event: worklist\r\ndata: {"token":"b"}\r\n\r\ndata: one\ndata:two\n\n'), [
    { event: 'worklist', data: '{"token":"b"}' },
    { event: 'message', data: 'one\ntwo' },
  ]);
  assert.deepEqual(parse('event: x\n\n'), [], 'an event without data is not dispatched');
});
