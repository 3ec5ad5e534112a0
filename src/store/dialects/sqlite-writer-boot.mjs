// Worker threads of Node 20 do not inherit tsx's loader: register it here, then run the TypeScript
// writer thread.
import { register } from 'tsx/esm/api';

register();
await import('./sqlite-writer-thread.ts');
