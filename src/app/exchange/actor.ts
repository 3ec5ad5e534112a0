import type { ActingUser } from '../auth/types.ts';

/**
 * Who imports or exports exchange messages: a user, whom the access policy (`can`) holds to what
 * its roles and party allow, or the operator of the local command line who names no user (as with
 * `portcullis ingest`, whoever runs commands on the server has the store already).
 */
export type ExchangeActor = ActingUser | 'operator';
