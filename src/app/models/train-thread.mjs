// The entry of a training thread: plain JavaScript that puts the TypeScript loader in place in
// this thread (the process's --import does not reach threads), then trains.
import { register } from 'tsx/esm/api';

register();
await import('./train-worker.ts');
