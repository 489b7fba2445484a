#!/usr/bin/env node
// Bundles cloudseed into one ESM file, dist/cloudseed.js, for a fast start (see
// ../shared/reference/ink-notes.md: ~420 ms bundled against ~1.1 s unbundled).
//   node scripts/build.mjs [--force] [--if-stale] [--entry FILE --outfile FILE]
// --if-stale: build only when a source is newer than the bundle (npm start uses it).
import { chmodSync, existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_ENTRY = join(ROOT, 'screens', 'main.tsx');
export const DEFAULT_OUTFILE = join(ROOT, 'dist', 'cloudseed.js');

/** What the bundle is made from: a change to any of these makes dist/ stale. */
const SOURCES = ['src', 'screens', 'package.json', 'package-lock.json', 'tsconfig.json', 'scripts/build.mjs'];

/**
 * Code the bundle never runs, replaced so it is not parsed at every start (~25% of the file):
 * - react-devtools-core and Ink's devtools module (with `ws`): used only with DEV=true;
 *   marking them external is not enough (see ink-notes.md).
 * - zod's translations of its messages into 40 languages: cloudseed words its own findings;
 *   English stays (zod installs it as the default).
 * - ajv, which conf loads for its `schema` option: the state is checked with zod instead.
 */
const trimUnused = {
  name: 'trim-unused',
  setup(build) {
    const stub = (contents) => ({ path: contents, namespace: 'stub' });
    build.onResolve({ filter: /^react-devtools-core$/ }, () => stub('export default { initialize() {}, connectToDevTools() {} };'));
    build.onResolve({ filter: /^\.\/devtools\.js$/ }, (args) => (/[\\/]ink[\\/]build[\\/]/.test(args.importer) ? stub('export {};') : undefined));
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/]/.test(args.importer) ? stub(`export { default as en } from ${JSON.stringify(join(dirname(args.importer), '..', 'locales', 'en.js'))};`) : undefined,
    );
    build.onResolve({ filter: /^(ajv\/dist\/2020\.js|ajv-formats)$/ }, (args) =>
      /[\\/]conf[\\/]/.test(args.importer)
        ? stub("export class Ajv2020 { constructor() { throw new Error('conf schema validation is not in this bundle'); } } export default { default() {} };")
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'stub' }, (args) => ({ contents: args.path, loader: 'js', resolveDir: ROOT }));
  },
};

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** True when the bundle is missing or older than any source. */
export function isStale(outfile = DEFAULT_OUTFILE) {
  if (!existsSync(outfile)) return true;
  const built = statSync(outfile).mtimeMs;
  return SOURCES.some((s) => newestMtime(join(ROOT, s)) > built);
}

/** Bundles `entry` into `outfile` (ESM, Node 20, minified, with a shebang, executable). */
export async function build({ entry = DEFAULT_ENTRY, outfile = DEFAULT_OUTFILE, minify = true } = {}) {
  if (!existsSync(entry)) throw new Error(`cannot build: the entry ${relative(process.cwd(), entry)} does not exist`);
  const result = await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify,
    // Yoga and Ink use top-level await (ESM only); CommonJS deps still call require().
    banner: {
      js: [
        '#!/usr/bin/env node',
        "import { createRequire as __cloudseedCreateRequire } from 'node:module';",
        'const require = __cloudseedCreateRequire(import.meta.url);',
      ].join('\n'),
    },
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [trimUnused],
    jsx: 'automatic',
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  });
  chmodSync(outfile, 0o755);
  return { outfile, bytes: statSync(outfile).size, warnings: result.warnings.length };
}

async function main() {
  const { values } = parseArgs({
    options: {
      force: { type: 'boolean' },
      'if-stale': { type: 'boolean' },
      entry: { type: 'string' },
      outfile: { type: 'string' },
      quiet: { type: 'boolean' },
    },
  });
  const entry = values.entry ? resolve(values.entry) : DEFAULT_ENTRY;
  const outfile = values.outfile ? resolve(values.outfile) : DEFAULT_OUTFILE;
  if (values['if-stale'] && !values.force && !values.entry && !isStale(outfile)) return;
  const started = performance.now();
  const { bytes } = await build({ entry, outfile });
  if (!values.quiet) {
    const ms = Math.round(performance.now() - started);
    console.error(`built ${relative(process.cwd(), outfile) || outfile} (${Math.round(bytes / 1024)} KB) in ${ms} ms`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e) => {
    console.error(`build failed: ${e.message}`);
    process.exit(1);
  });
}
