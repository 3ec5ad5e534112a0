/**
 * A telemetry service in a process of its own, for the test that kills it: opens the store in
 * argv[2] (as iotApp made it), subscribes at argv[4] with the persistent session argv[3], says
 * "ready" on stdout, and runs until it is killed.
 */
import { join } from 'node:path';
import { loadConfig } from '../../../src/app/config.ts';
import { openApp } from '../../../src/app/context.ts';
import { startIotService } from '../../../src/app/iot/service.ts';

const [dir, clientId, url] = process.argv.slice(2) as [string, string, string];
const app = await openApp(loadConfig({ PORTCULLIS_DB: join(dir, 'p.db'), PORTCULLIS_KEYS_DIR: join(dir, 'keys') }));
const service = await startIotService(app, { url, clientId, tickMs: 3_600_000, onError: (e) => process.stderr.write(`iot-process: ${String(e)}\n`) });
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void service
    .close()
    .then(() => app.close())
    .then(() => process.exit(0));
});
setInterval(() => undefined, 60_000);
