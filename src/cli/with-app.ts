import { loadConfig } from '../app/config.ts';
import { openApp, type AppContext } from '../app/context.ts';

/** Runs a command's body with the application opened from the environment, and closes it after. */
export async function withApp<T>(body: (app: AppContext) => Promise<T>): Promise<T> {
  const app = await openApp(loadConfig(process.env));
  try {
    return await body(app);
  } finally {
    await app.close();
  }
}
