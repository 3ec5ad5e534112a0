import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { isPortcullisError } from '../../src/domain/errors.ts';
import { apiKeySecretMatches, generateApiKey, hashApiKeySecret, parseApiKey } from '../../src/security/api-keys.ts';

describe('API keys', () => {
  test('shape pcl_<12>_<43>, the stored hash is SHA-256 of the secret, round trip', () => {
    const k = generateApiKey();
    assert.match(k.key, /^pcl_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    const { id, secret } = parseApiKey(k.key);
    assert.equal(id, k.id);
    assert.equal(Buffer.from(secret, 'base64url').length, 32);
    assert.equal(k.secretHash, createHash('sha256').update(secret).digest('hex'));
    assert.equal(hashApiKeySecret(secret), k.secretHash);
    assert.equal(apiKeySecretMatches(secret, k.secretHash), true);
    assert.notEqual(generateApiKey().key, k.key);
  });

  test('a wrong secret does not match', () => {
    const k = generateApiKey();
    const other = parseApiKey(generateApiKey().key).secret;
    assert.equal(apiKeySecretMatches(other, k.secretHash), false);
    assert.equal(apiKeySecretMatches(parseApiKey(k.key).secret, 'abcd'), false, 'a stored hash of another length');
  });

  test('malformed keys are refused with what was expected', () => {
    const k = generateApiKey().key;
    for (const bad of ['', 'pcl', `xyz${k.slice(3)}`, k.slice(0, -1), `${k}A`, k.replace(/^pcl_[a-z0-9]{12}/, 'pcl_ABCDEFGHIJKL'), `pcl_${'a'.repeat(11)}_${k.slice(-43)}`, 'x'.repeat(500)]) {
      assert.throws(() => parseApiKey(bad), (e) => isPortcullisError(e) && e.code === 'INVALID_INPUT' && e.details[0]?.field === 'apiKey' && /pcl_/.test(e.details[0]?.expected ?? ''), bad);
    }
  });
});
