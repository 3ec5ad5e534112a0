// @ts-check
/**
 * The service benchmark's baseline: a bare Fastify server in a process of its own, that takes the
 * same filing requests (the JSON body parsed) and answers each with a small JSON body, doing
 * nothing else. Its requests a second on this machine, in the same run, are the ceiling any route
 * of the real server could reach here: a yardstick for a machine whose speed varies from day to day.
 * Usage: node bench/baseline-server.mjs PORT (prints "ready" once listening).
 */
import process from 'node:process';
import Fastify from 'fastify';

const port = Number(process.argv[2]);
const app = Fastify({ logger: false, bodyLimit: 1 << 20 });
app.post('/api/v1/declarations', async (req, reply) => {
  const body = /** @type {{ id?: unknown }} */ (req.body);
  return reply.code(201).send({ id: body.id, status: 'inserted' });
});
await app.listen({ port, host: '127.0.0.1' });
process.stdout.write('ready\n');
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
