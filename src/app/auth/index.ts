/**
 * Authentication and the use cases around it: sign-in sessions with rotating refresh tokens,
 * API keys for machine clients, passwords and the first administrator. The API authorises with
 * `can` (security/policy.ts), re-exported here.
 */
export type { Actor, TokenPair, ApiKeyInfo, CreatedApiKey, ActingUser } from './types.ts';
export { actingUser } from './acting.ts';
export { login, refreshSession, logout, SESSION_SECONDS } from './sessions.ts';
export { setUserRoles, setUserDisabled, logoutAll } from './users.ts';
export { authenticate } from './authenticate.ts';
export { setPassword, checkNewPassword, PASSWORD_EXPECTED } from './passwords.ts';
export { createApiKey, listApiKeys, revokeApiKey } from './api-keys.ts';
export { bootstrapAdmin, BOOTSTRAP_ADMIN } from './bootstrap.ts';
export { tokenKeyOf } from './token-key.ts';
export { CACHE_MS, SEEN_EVERY_MS } from './cache.ts';
export { can, ACTIONS, ROLE_ACTIONS, isAction, type Action } from '../../security/policy.ts';
