// The entry of a `ledger verify` thread: plain JavaScript that puts the TypeScript loader in place
// in this thread (the process's --import does not reach threads), then runs the audit itself.
import { register } from 'tsx/esm/api';

register();
await import('./verify-worker.ts');
