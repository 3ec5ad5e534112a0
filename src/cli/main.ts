import { buildProgram } from './program.ts';

// Output piped into a reader that stops early (`| head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

const program = await buildProgram(process.argv[2] ?? '', (code) => process.exit(code));
await program.parseAsync(process.argv);
