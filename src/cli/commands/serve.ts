import type { Command } from 'commander';
import { PortcullisError } from '../../domain/errors.ts';
import { runAction } from '../output.ts';
import { io } from '../io.ts';

function portOf(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 0 || n > 65535) throw new PortcullisError('INVALID_INPUT', `--port "${v}" is not a port`, [{ field: 'port', problem: `"${v}"`, expected: 'a whole number from 0 to 65535' }]);
  return n;
}

/**
 * `portcullis serve` (what `npm start` runs): the REST API, its OpenAPI document and the web
 * application's files. The server itself lives in the API layer, loaded here when the command runs.
 */
export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the REST API under /api/v1 (OpenAPI at /api/v1/openapi.json), health at /healthz and /readyz, and the web application; on first start load the demo data and create the administrator (its password printed once unless PORTCULLIS_ADMIN_PASSWORD is set)')
    .option('--port <n>', 'port to listen on (PORTCULLIS_PORT, 8080)')
    .option('--host <h>', 'address to listen on (PORTCULLIS_HOST, 127.0.0.1)')
    .option('--no-demo', 'do not load the demo data on first start')
    .action(async (o: { port?: string; host?: string; demo: boolean }) => {
      await runAction(false, async () => {
        const port = portOf(o.port);
        // The one place the command line reaches the API layer: it starts the server.
        const { serve } = (await import('../../api/serve.ts' as string)) as { serve: (o: { port?: number | undefined; host?: string | undefined; say: (l: string) => void; env: NodeJS.ProcessEnv; demo: boolean }) => Promise<void> };
        await serve({ port, host: o.host, say: (l) => io.err.write(`${l}\n`), env: process.env, demo: o.demo });
      });
      // Stopped, or failed to start (said above): the process ends here. A server that could not
      // start must not linger half-open, holding a port, a database lease or a load balancer's hopes.
      process.exit(process.exitCode ?? 0);
    });
}
