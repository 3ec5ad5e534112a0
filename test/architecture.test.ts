import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { test } from 'node:test';

/**
 * Keeps the layering of ARCHITECTURE.md true: imports point downwards only, and the pure cores
 * (domain, risk, ledger, iot) touch no database, network, file system, environment or clock.
 */
const SRC = resolve(import.meta.dirname, '../src');

const MAY_IMPORT: Record<string, readonly string[]> = {
  domain: [],
  risk: ['domain'],
  ledger: ['domain'],
  iot: ['domain'],
  security: ['domain'],
  store: ['domain', 'ledger'],
  app: ['domain', 'risk', 'ledger', 'iot', 'security', 'store'],
  api: ['app', 'domain', 'security'],
  cli: ['app', 'domain'],
};
const PURE = ['domain', 'risk', 'ledger', 'iot'];
const IMPURE_MODULES = /^(node:)?(fs|fs\/promises|net|http|https|child_process|dgram|worker_threads)$|^(kysely|pg|better-sqlite3|fastify|mqtt|aedes)(\/|$)/;
/**
 * What a pure layer may use all the same: the learner in risk shares its work with a helper thread
 * (computation on shared memory, no I/O), as its issue asks of training.
 */
const PURE_EXCEPTIONS: Record<string, RegExp> = { risk: /^(node:)?worker_threads$/ };

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|mjs)$/.test(p) && !p.endsWith('.d.mts') ? [p] : [];
  });
}

const IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm;

for (const file of files(SRC)) {
  const layer = relative(SRC, file).split('/')[0]!;
  test(`${relative(SRC, file)} respects the layers`, () => {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const spec = (m[1] ?? m[2])!;
      if (spec.startsWith('.')) {
        const target = relative(SRC, resolve(dirname(file), spec)).split('/')[0]!;
        if (target === layer) continue;
        assert.ok(
          (MAY_IMPORT[layer] ?? []).includes(target),
          `${relative(SRC, file)} imports ${spec} (layer ${target}); ${layer} may import only ${(MAY_IMPORT[layer] ?? []).join(', ') || 'nothing of ours'}`,
        );
      } else if (PURE.includes(layer)) {
        assert.ok(!IMPURE_MODULES.test(spec) || PURE_EXCEPTIONS[layer]?.test(spec) === true, `${relative(SRC, file)} is in the pure layer ${layer} but imports ${spec}`);
      }
    }
    if (PURE.includes(layer)) {
      assert.ok(!/process\.env|Date\.now\(\)|new Date\(\)/.test(text), `${relative(SRC, file)} reads the environment or the clock; pass them in`);
    }
  });
}

/** The web application talks to the API over HTTP: of ours it may only `import type` from domain. */
const WEB = resolve(import.meta.dirname, '../web/src');
const TS_OR_TSX = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? TS_OR_TSX(p) : /\.tsx?$/.test(p) ? [p] : [];
  });
const WEB_IMPORT = /^\s*(import|export)(\s+type)?\s[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm;
for (const file of TS_OR_TSX(WEB)) {
  test(`web/src/${relative(WEB, file)} respects the layers`, () => {
    for (const m of readFileSync(file, 'utf8').matchAll(WEB_IMPORT)) {
      const spec = (m[3] ?? m[4])!;
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(file), spec);
      if (!relative(WEB, target).startsWith('..')) continue;
      const inDomain = !relative(SRC, target).startsWith('..') && relative(SRC, target).split('/')[0] === 'domain';
      assert.ok(inDomain && m[2] !== undefined, `web/src/${relative(WEB, file)} imports ${spec}: the web application may only \`import type\` from src/domain`);
    }
  });
}
