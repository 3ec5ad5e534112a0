import { io } from './io.ts';

/**
 * A progress line on a terminal (stderr), redrawn at most a few times a second; silent when stderr
 * is not a terminal, so logs and pipes stay clean.
 */
export interface ProgressLine {
  update(text: string): void;
  done(): void;
}

export function progressLine(enabled = io.err.isTTY === true, everyMs = 200): ProgressLine {
  let last = 0;
  let shown = false;
  return {
    update(text) {
      if (!enabled) return;
      const now = Date.now();
      if (now - last < everyMs) return;
      last = now;
      shown = true;
      io.err.write(`\r\x1b[2K${text}`);
    },
    done() {
      if (enabled && shown) io.err.write('\r\x1b[2K');
    },
  };
}

export const fmt = (n: number): string => n.toLocaleString('en-US');
export const pct = (a: number, b: number): string => (b > 0 ? `${((100 * a) / b).toFixed(1)}%` : '');
