#!/usr/bin/env node
// Bundles cloudseed for a fast start (see ../shared/reference/ink-notes.md: ~420 ms bundled
// against ~1.1 s unbundled): one ESM entry file, dist/cloudseed.js (the bin), plus chunks in
// dist/chunks/cloudseed/ for what the first frame does not need (screens after Welcome,
// sub-commands, the schema, the state store), which the entry imports when they are used.
//   node scripts/build.mjs [--force] [--if-stale] [--entry FILE --outfile FILE] [--metafile FILE]
// --if-stale: build only when a source is newer than the bundle (npm start uses it).
import { chmodSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
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
    // A stub is named (its chunk's file name, when it is imported dynamically) and carries its code.
    const stub = (name, contents) => ({ path: name, namespace: 'stub', pluginData: contents });
    build.onResolve({ filter: /^react-devtools-core$/ }, () => stub('react-devtools-core', 'export default { initialize() {}, connectToDevTools() {} };'));
    build.onResolve({ filter: /^\.\/devtools\.js$/ }, (args) => (/[\\/]ink[\\/]build[\\/]/.test(args.importer) ? stub('ink-devtools', 'export {};') : undefined));
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/]/.test(args.importer) ? stub('zod-locales', `export { default as en } from ${JSON.stringify(join(dirname(args.importer), '..', 'locales', 'en.js'))};`) : undefined,
    );
    build.onResolve({ filter: /^(ajv\/dist\/2020\.js|ajv-formats)$/ }, (args) =>
      /[\\/]conf[\\/]/.test(args.importer)
        ? stub('conf-ajv', "export class Ajv2020 { constructor() { throw new Error('conf schema validation is not in this bundle'); } } export default { default() {} };")
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'stub' }, (args) => ({ contents: args.pluginData, loader: 'js', resolveDir: ROOT }));
  },
};

/**
 * Start-up work cloudseed's bundle skips that a bare Ink app, bundled as its authors ship it,
 * does (bench/startup.bench.mjs builds its yardstick without this):
 * - Yoga's wasm arrives as a base64 data: URL that Emscripten reads with fetch(), which makes
 *   Node load undici (HTTP/1, HTTP/2, TLS, zlib) at every start: ~30 ms of CPU before the first
 *   frame. Handing Emscripten the bytes (its `wasmBinary`, decoded by Buffer) skips fetch.
 *   Should a later yoga-layout word this differently, the build says so and keeps fetch.
 */
const startupTuning = {
  name: 'startup-tuning',
  setup(build) {
    build.onLoad({ filter: /[\\/]yoga-layout[\\/].*yoga-wasm-base64-esm\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const at = source.indexOf('var H;H="data:application/octet-stream;base64,');
      const end = at < 0 ? -1 : source.indexOf('";', at);
      if (end < 0) return { contents: source, loader: 'js', warnings: [{ text: "yoga-layout's wasm loader changed: it keeps loading through fetch() (slower start)" }] };
      return { contents: `${source.slice(0, end + 2)}w=Buffer.from(H.slice(37),"base64");${source.slice(end + 2)}`, loader: 'js' };
    });
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

/** True when the bundle (or its chunks) is missing or older than any source. */
export function isStale(outfile = DEFAULT_OUTFILE) {
  if (!existsSync(outfile) || !existsSync(chunkDir(outfile))) return true;
  const built = statSync(outfile).mtimeMs;
  return SOURCES.some((s) => newestMtime(join(ROOT, s)) > built);
}

/** Where the chunks of `outfile` go: dist/chunks/NAME/, one folder per entry file. */
export function chunkDir(outfile = DEFAULT_OUTFILE) {
  return join(dirname(outfile), 'chunks', basename(outfile, '.js'));
}

/** Chunks of earlier builds are removed once this old: a build running at the same time writes its own. */
const STALE_CHUNK_MS = 10 * 60_000;

/**
 * Bundles `entry` into `outfile` (ESM, Node 20, minified, with a shebang, executable) and
 * the chunks of its dynamic imports into chunkDir(outfile). Chunk names carry a content
 * hash, so builds running at once do not clash; chunks no build wrote in the last 10
 * minutes are removed (a running cloudseed loads all of its chunks within a second).
 */
export async function build({ entry = DEFAULT_ENTRY, outfile = DEFAULT_OUTFILE, minify = true, tuned = true } = {}) {
  if (!existsSync(entry)) throw new Error(`cannot build: the entry ${relative(process.cwd(), entry)} does not exist`);
  const name = basename(outfile, '.js');
  const result = await esbuild.build({
    entryPoints: [{ in: entry, out: name }],
    outdir: dirname(outfile),
    splitting: true,
    chunkNames: `chunks/${name}/[name]-[hash]`,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify,
    // Yoga and Ink use top-level await (ESM only); CommonJS deps still call require() (in
    // every chunk: the banner goes at the top of each file).
    banner: {
      js: [
        '#!/usr/bin/env node',
        "import { createRequire as __cloudseedCreateRequire } from 'node:module';",
        'const require = __cloudseedCreateRequire(import.meta.url);',
      ].join('\n'),
    },
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: tuned ? [trimUnused, startupTuning] : [trimUnused],
    jsx: 'automatic',
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  });
  chmodSync(outfile, 0o755);
  const chunks = Object.keys(result.metafile.outputs).filter((f) => resolve(f) !== resolve(outfile));
  removeStaleChunks(chunkDir(outfile), new Set(chunks.map((f) => resolve(f))));
  return { outfile, bytes: statSync(outfile).size, chunks: chunks.length, warnings: result.warnings.length, metafile: result.metafile };
}

function removeStaleChunks(dir, current) {
  if (!existsSync(dir)) return;
  const now = Date.now();
  for (const file of readdirSync(dir)) {
    const path = join(dir, file);
    try {
      if (!current.has(path) && now - statSync(path).mtimeMs > STALE_CHUNK_MS) rmSync(path, { force: true });
    } catch {
      // removed by another build meanwhile
    }
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      force: { type: 'boolean' },
      'if-stale': { type: 'boolean' },
      entry: { type: 'string' },
      outfile: { type: 'string' },
      quiet: { type: 'boolean' },
      // What each output file holds and imports (esbuild's metafile, JSON): the bundle test
      // checks with it that the first frame's files stay small.
      metafile: { type: 'string' },
    },
  });
  const entry = values.entry ? resolve(values.entry) : DEFAULT_ENTRY;
  const outfile = values.outfile ? resolve(values.outfile) : DEFAULT_OUTFILE;
  if (values['if-stale'] && !values.force && !values.entry && !isStale(outfile)) return;
  const started = performance.now();
  const { bytes, chunks, metafile } = await build({ entry, outfile });
  if (values.metafile) writeFileSync(values.metafile, JSON.stringify(metafile));
  if (!values.quiet) {
    const ms = Math.round(performance.now() - started);
    console.error(`built ${relative(process.cwd(), outfile) || outfile} (${Math.round(bytes / 1024)} KB, ${chunks} chunks) in ${ms} ms`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e) => {
    console.error(`build failed: ${e.message}`);
    process.exit(1);
  });
}
