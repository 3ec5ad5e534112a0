import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerCheckDigit } from '../../../src/domain/identifiers/index.ts';
import { createRandom } from '../../../src/app/generator/random.ts';
import {
  airWaybill,
  containerNumber,
  postalItemId,
  s10CheckDigit,
  SEA_CARRIERS,
} from '../../../src/app/generator/transport.ts';

describe('ISO 6346 check digit', () => {
  it('matches published container numbers', () => {
    // CSQU3054383 is the worked example usually quoted for ISO 6346; ABCU1234560 was checked by hand.
    for (const n of ['CSQU3054383', 'MSKU9070323', 'ABCU1234560']) {
      assert.equal(containerCheckDigit(n.slice(0, 10)), Number(n[10]), n);
    }
  });

  it('agrees with the domain check on generated numbers of every carrier', () => {
    const rng = createRandom('containers');
    for (const [, owners] of SEA_CARRIERS) {
      for (const owner of owners) {
        for (let i = 0; i < 200; i++) {
          const n = containerNumber(rng, owner);
          assert.match(n, /^[A-Z]{3}U\d{7}$/);
          assert.equal(Number(n[10]), containerCheckDigit(n.slice(0, 10)), n);
        }
      }
    }
  });

  it('air waybills carry the mod-7 check digit of their serial', () => {
    const rng = createRandom('awb');
    for (let i = 0; i < 500; i++) {
      const awb = airWaybill(rng);
      const m = /^(\d{3})-(\d{7})(\d)$/.exec(awb);
      assert.ok(m, awb);
      assert.equal(Number(m[2]) % 7, Number(m[3]), awb);
    }
  });

  it('postal item ids follow UPU S10', () => {
    assert.equal(s10CheckDigit('12345678'), 5); // the S10 standard's worked example: RR123456785..
    const rng = createRandom('s10');
    for (let i = 0; i < 500; i++) {
      const id = postalItemId(rng, 'CN');
      assert.match(id, /^[A-Z]{2}\d{9}CN$/);
      assert.equal(s10CheckDigit(id.slice(2, 10)), Number(id[10]), id);
    }
  });
});
