import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isPortcullisError, PortcullisError } from '../../domain/errors.ts';
import type { Ledger } from './ledger.ts';
import { addCosignature, publishedCheckpoint } from './published.ts';

/**
 * The log's public face over HTTP, for witnesses and verifiers: the latest (or a given) checkpoint
 * with its cosignatures, consistency and inclusion proofs, the log's key, and the door for
 * cosignatures. Served by `portcullis ledger serve` until the service's API mounts the same paths
 * (they are its /api/v1/ledger paths already). Plain text where the formats are text (notes, proof
 * lines of base64 hashes), JSON for errors.
 */
export const LEDGER_PATHS = {
  checkpoint: '/api/v1/ledger/checkpoint',
  key: '/api/v1/ledger/key',
  consistency: '/api/v1/ledger/proof/consistency',
  inclusion: '/api/v1/ledger/proof/inclusion',
  cosignatures: '/api/v1/ledger/cosignatures',
} as const;

const STATUS: Record<string, number> = { INVALID_INPUT: 400, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409 };
const MAX_BODY = 64 * 1024;

export function ledgerHttpServer(ledger: Ledger, clock: () => Date): Server {
  return createServer((req, res) => {
    handle(ledger, clock, req, res).catch((e: unknown) => {
      const status = isPortcullisError(e) ? (STATUS[e.code] ?? 500) : 500;
      const body = status === 500 ? { error: 'INTERNAL', message: 'internal error' } : { error: (e as PortcullisError).code, message: (e as Error).message, details: (e as PortcullisError).details };
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
}

function count(url: URL, name: string, min = 0): number {
  const v = url.searchParams.get(name);
  const n = v !== null && /^\d{1,15}$/.test(v) ? Number(v) : NaN;
  if (!(n >= min)) throw new PortcullisError('INVALID_INPUT', `query parameter ${name} is ${v === null ? 'missing' : JSON.stringify(v)}`, [{ field: name, problem: v ?? 'missing', expected: `a whole number from ${min}` }]);
  return n;
}

const text = (res: ServerResponse, body: string) => {
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(body);
};
const lines = (hashes: readonly Uint8Array[]) => hashes.map((h) => `${Buffer.from(h).toString('base64')}\n`).join('');

async function handle(ledger: Ledger, clock: () => Date, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const route = `${req.method} ${url.pathname}`;
  switch (route) {
    case `GET ${LEDGER_PATHS.key}`:
      return text(res, `${ledger.verifierKey}\n`);
    case `GET ${LEDGER_PATHS.checkpoint}`: {
      const p = await publishedCheckpoint(ledger, url.searchParams.has('size') ? count(url, 'size', 1) : undefined);
      if (p === undefined) throw new PortcullisError('NOT_FOUND', url.searchParams.has('size') ? `no checkpoint of ${url.searchParams.get('size')} entries` : 'the log has signed no checkpoint yet');
      return text(res, p.note);
    }
    case `GET ${LEDGER_PATHS.consistency}`: {
      const from = count(url, 'from', 1);
      const to = count(url, 'to', 1);
      const latest = await ledger.repo.latestCheckpoint();
      if (latest === undefined || to > latest.size || from > to) throw new PortcullisError('INVALID_INPUT', `no consistency proof from ${from} to ${to}: the latest checkpoint covers ${latest?.size ?? 0} entries`, [{ field: 'to', problem: `${to}`, expected: `from ≤ to ≤ ${latest?.size ?? 0}` }]);
      return text(res, lines(await ledger.consistencyProof(from, to)));
    }
    case `GET ${LEDGER_PATHS.inclusion}`: {
      const index = count(url, 'index');
      const size = count(url, 'size', 1);
      const latest = await ledger.repo.latestCheckpoint();
      if (latest === undefined || size > latest.size || index >= size) throw new PortcullisError('INVALID_INPUT', `no inclusion proof of entry ${index} in a tree of ${size}: the latest checkpoint covers ${latest?.size ?? 0} entries`, [{ field: 'size', problem: `${size}`, expected: `index < size ≤ ${latest?.size ?? 0}` }]);
      return text(res, lines(await ledger.inclusionProof(index, size)));
    }
    case `POST ${LEDGER_PATHS.cosignatures}`: {
      const body = await readBody(req);
      let o: { size?: unknown; line?: unknown };
      try {
        o = JSON.parse(body) as typeof o;
      } catch {
        throw new PortcullisError('INVALID_INPUT', 'the body is not JSON', [{ field: '(body)', problem: 'not JSON', expected: '{"size": N, "line": "— witness …"}' }]);
      }
      if (!Number.isSafeInteger(o.size) || typeof o.line !== 'string') throw new PortcullisError('INVALID_INPUT', 'expected {"size": N, "line": "…"}', [{ field: typeof o.line !== 'string' ? 'line' : 'size', problem: 'missing or of the wrong type', expected: 'size a whole number, line a cosignature line' }]);
      const added = await addCosignature(ledger, o.size as number, o.line, clock().toISOString());
      res.writeHead(added ? 201 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ added }));
      return;
    }
    default:
      throw new PortcullisError('NOT_FOUND', `no route ${route}`);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n > MAX_BODY) {
        reject(new PortcullisError('INVALID_INPUT', `the body is over ${MAX_BODY} bytes`, [{ field: '(body)', problem: `over ${MAX_BODY} bytes`, expected: 'a cosignature' }]));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
