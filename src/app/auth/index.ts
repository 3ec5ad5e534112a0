/** Authentication and the use cases around it; the API authorises with `can` from security/policy. */
export type { Actor, TokenPair, ApiKeyInfo, CreatedApiKey } from './types.ts';
export { can, ACTIONS, ROLE_ACTIONS, isAction, type Action } from '../../security/policy.ts';
