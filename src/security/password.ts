import { randomBytes } from 'node:crypto';
import { hash, parseOptions, verify } from '@node-rs/argon2';

/**
 * Password hashing: argon2id with the OWASP minimum (19 MiB of memory, two passes, one lane).
 * The stored form is the PHC string ($argon2id$v=19$m=19456,t=2,p=1$salt$hash), which carries its
 * own parameters, so that hashes made under an older policy still verify and can be upgraded.
 */
export const PASSWORD_HASH_POLICY = {
  /** @node-rs/argon2's Algorithm.Argon2id (a const enum, which isolated modules cannot read). */
  algorithm: 2,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
} as const;

const OPTIONS = {
  algorithm: PASSWORD_HASH_POLICY.algorithm as never,
  memoryCost: PASSWORD_HASH_POLICY.memoryCost,
  timeCost: PASSWORD_HASH_POLICY.timeCost,
  parallelism: PASSWORD_HASH_POLICY.parallelism,
  outputLen: PASSWORD_HASH_POLICY.outputLen,
};

/** The PHC string of a new argon2id hash of `password`, with a fresh 16-byte salt. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

/** Whether `password` is the one `stored` was made from; false (never an error) for a malformed hash. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** Whether a stored hash was made under weaker parameters than the policy's (or is no argon2id hash at all). */
export function needsRehash(stored: string): boolean {
  try {
    const p = parseOptions(stored);
    return (
      (p.algorithm as number) !== PASSWORD_HASH_POLICY.algorithm ||
      p.memoryCost < PASSWORD_HASH_POLICY.memoryCost ||
      p.timeCost < PASSWORD_HASH_POLICY.timeCost ||
      p.outputLen < PASSWORD_HASH_POLICY.outputLen
    );
  } catch {
    return true;
  }
}

let dummy: Promise<string> | undefined;

/**
 * Does the work of a verification that cannot succeed, against a hash of a random password made
 * under the same policy: a login for a user that does not exist (or has no password) then takes
 * as long as one with a wrong password, and the timing does not tell which users exist.
 */
export async function dummyVerify(password: string): Promise<false> {
  dummy ??= hashPassword(randomBytes(32).toString('base64url'));
  await verifyPassword(await dummy, password);
  return false;
}

/** Common passwords refused whatever their length (lower-cased comparison); a short list, not a breach corpus. */
const COMMON = new Set([
  'password', 'password1', 'password12', 'password123', 'password1234', 'passw0rd', 'p@ssw0rd', 'p@ssword123',
  '123456789012', '1234567890123', '12345678901234', '123456789', '1234567890', 'qwertyuiop', 'qwertyuiop123',
  'qwerty123456', '1q2w3e4r5t6y', '1qaz2wsx3edc', 'iloveyou1234', 'letmein12345', 'welcome12345', 'welcome123',
  'administrator', 'admin1234567', 'adminadmin12', 'changeme1234', 'changemeplease', 'portcullis123', 'portcullis',
  'trustno1trustno1', 'football1234', 'baseball1234', 'monkey123456', 'sunshine1234', 'princess1234', 'superman1234',
  'aaaaaaaaaaaa', '000000000000', '111111111111', 'abcdefghijkl', 'abc123abc123', 'customs12345', 'correcthorsebatterystaple',
]);

/** What is wrong with a new password under the policy, or undefined when it is acceptable. */
export function passwordProblem(password: string, userId: string): string | undefined {
  if ([...password].length < 12) return 'shorter than 12 characters';
  if ([...password].length > 1024) return 'longer than 1024 characters';
  const lower = password.toLowerCase();
  if (lower === userId.toLowerCase()) return 'the same as the user id';
  if (COMMON.has(lower)) return 'a commonly used password';
  if (new Set(password).size === 1) return 'one character repeated';
  return undefined;
}
