import { loadConfig } from '../app/config.ts';
import { openApp, type AppContext } from '../app/context.ts';
import { runAction } from './output.ts';
import { io } from './io.ts';

/** Runs a command's body with the application opened from the environment, and closes it after. */
export async function withApp<T>(body: (app: AppContext) => Promise<T>): Promise<T> {
  const app = await openApp(loadConfig(process.env));
  try {
    return await body(app);
  } finally {
    await app.close();
  }
}

/** A command's action that prints one line the application gives (a public key, say), as it is. */
export const printLine = (line: (app: AppContext) => string) => () =>
  runAction(false, () =>
    withApp(async (app) => {
      io.out.write(`${line(app)}\n`);
    }),
  );
