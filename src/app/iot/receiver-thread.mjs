// The entry of the telemetry receiver thread: plain JavaScript that puts the TypeScript loader in
// place in this thread (the process's --import does not reach threads), then receives.
import { register } from 'tsx/esm/api';

register();
await import('./receiver-worker.ts');
