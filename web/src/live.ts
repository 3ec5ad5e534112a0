import { useEffect, useState } from 'react';
import { openStream } from './api.ts';

export interface LiveState {
  /** Whether the stream is open now (when it is not, callers fall back to polling). */
  readonly connected: boolean;
  /** The last token the server sent; it changes when what is watched may have changed. */
  readonly token: string | undefined;
}

/** One server-sent event: its name and data. */
export interface SentEvent {
  readonly event: string;
  readonly data: string;
}

/**
 * Splits a text/event-stream into events (the WHATWG format: lines `event:` and `data:`, a blank
 * line ending each event, lines starting with `:` being comments). Fed chunk by chunk; returns the
 * events completed by this chunk.
 */
export function eventParser(): (chunk: string) => SentEvent[] {
  let rest = '';
  return (chunk) => {
    rest += chunk.replace(/\r\n?/g, '\n');
    const out: SentEvent[] = [];
    let cut: number;
    while ((cut = rest.indexOf('\n\n')) >= 0) {
      const block = rest.slice(0, cut);
      rest = rest.slice(cut + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line === '' || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length > 0) out.push({ event, data: data.join('\n') });
    }
    return out;
  };
}

/**
 * Watches a change stream of the API (e.g. /worklist/changes) while the component is shown:
 * reconnects after the server ends it (it does every few minutes, to check the credentials again)
 * or after a failure, waiting longer after each failure in a row (1 s up to 30 s).
 */
export function useLiveChanges(path: string, event: string): LiveState {
  const [state, setState] = useState<LiveState>({ connected: false, token: undefined });
  useEffect(() => {
    const ac = new AbortController();
    let failures = 0;
    const run = async (): Promise<void> => {
      while (!ac.signal.aborted) {
        try {
          const res = await openStream(path, ac.signal);
          failures = 0;
          setState((s) => ({ ...s, connected: true }));
          const parse = eventParser();
          const decoder = new TextDecoder();
          const reader = res.body!.getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            for (const e of parse(decoder.decode(value, { stream: true }))) {
              if (e.event !== event) continue;
              const token = (JSON.parse(e.data) as { token?: string }).token;
              setState({ connected: true, token });
            }
          }
        } catch {
          failures++;
        }
        if (ac.signal.aborted) return;
        setState((s) => ({ ...s, connected: false }));
        await new Promise((r) => setTimeout(r, Math.min(30_000, 1000 * 2 ** Math.max(0, failures - 1))));
      }
    };
    void run();
    return () => ac.abort();
  }, [path, event]);
  return state;
}
