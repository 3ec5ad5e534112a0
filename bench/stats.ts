/** Small helpers for benchmark reports: medians of several runs, machine facts. */
import os from 'node:os';

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** x to `digits` decimal places, for reports. */
export const round = (x: number, digits = 3): number => Math.round(x * 10 ** digits) / 10 ** digits;

export const machine = () => ({ node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', memGB: Math.round(os.totalmem() / 2 ** 30) });

export function emit(obj: object): void {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}
