// The entry of an explanation thread: plain JavaScript that puts the TypeScript loader in place in
// this thread (the process's --import does not reach threads), then serves explanations.
import { register } from 'tsx/esm/api';

register();
await import('./explain-worker.ts');
