#!/usr/bin/env node
// Bundles cloudseed for a fast start (see ../shared/reference/ink-notes.md: ~420 ms bundled
// against ~1.1 s unbundled): one ESM entry file, dist/cloudseed.js (the bin), plus chunks in
// dist/chunks/cloudseed/ for what the first frame does not need (screens after Welcome,
// sub-commands, the schema, the state store), which the entry imports when they are used.
//   node scripts/build.mjs [--force] [--if-stale] [--entry FILE --outfile FILE] [--metafile FILE]
// --if-stale: build only when a source is newer than the bundle (npm start uses it).
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_ENTRY = join(ROOT, 'screens', 'main.tsx');
export const DEFAULT_OUTFILE = join(ROOT, 'dist', 'cloudseed.js');

/** What the bundle is made from: a change to any of these makes dist/ stale. */
const SOURCES = ['src', 'screens', 'package.json', 'package-lock.json', 'tsconfig.json', 'scripts/build.mjs', 'scripts/vendor-loader.mjs'];

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
 * does (bench/startup.bench.mjs builds its yardstick without it): Ink, React and Yoga go into
 * one classic script, the vendor script (vendor-HASH.js among the chunks), that
 * scripts/vendor-loader.mjs runs with a V8 code cache; the bundle's modules import them
 * through small facade modules. Making it a script takes two changes, each checked here so
 * that a changed dependency fails the build instead of the start:
 * - Yoga loads its wasm synchronously from bytes (WebAssembly.Instance, Emscripten's
 *   `instantiateWasm` hook) instead of awaiting fetch() of a data: URL at top level, which
 *   also spared Node loading undici (HTTP/1, HTTP/2, TLS, zlib): ~30 ms of CPU per start.
 * - Ink's two top-level awaits serve DEV=true only (devtools, its package.json): removed.
 */
const VENDOR_PACKAGES = { ink: 'ink', react: 'react', jsxRuntime: 'react/jsx-runtime' };

/** `source` with `from` replaced by `to`; fails the build when `from` is not there. */
function patch(source, from, to, file) {
  if (typeof from === 'string' ? !source.includes(from) : !from.test(source)) throw new Error(`${relative(ROOT, file)} changed: "${String(from).slice(0, 60)}" is not in it any more; update scripts/build.mjs`);
  return source.replace(from, to);
}

const scriptReady = {
  name: 'script-ready',
  setup(build) {
    build.onLoad({ filter: /[\\/]yoga-layout[\\/]dist[\\/]src[\\/]index\.js$/ }, async (args) => {
      const binary = await readFile(join(dirname(args.path), '..', 'binaries', 'yoga-wasm-base64-esm.js'), 'utf8');
      const wasm = /H="data:application\/octet-stream;base64,([^"]*)"/.exec(binary)?.[1];
      if (!wasm) throw new Error('yoga-layout changed: its wasm is not a base64 data: URL any more; update scripts/build.mjs');
      const contents = [
        "import loadYoga from '../binaries/yoga-wasm-base64-esm.js';",
        "import wrapAssembly from './wrapAssembly.js';",
        "export * from './generated/YGEnums.js';",
        `const wasm = new WebAssembly.Module(Buffer.from(${JSON.stringify(wasm)}, 'base64'));`,
        'const lib = { instantiateWasm(imports, done) { const instance = new WebAssembly.Instance(wasm, imports); done(instance); return instance.exports; } };',
        'loadYoga(lib);',
        "if (!lib.calledRun) throw new Error('yoga-layout did not load synchronously');",
        'export default wrapAssembly(lib);',
      ].join('\n');
      return { contents, loader: 'js', resolveDir: dirname(args.path) };
    });
    // the wasm is in the module above now: the copy here would only be parsed
    build.onLoad({ filter: /[\\/]yoga-layout[\\/].*yoga-wasm-base64-esm\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('h.instantiateWasm(')) throw new Error("yoga-layout changed: Emscripten's instantiateWasm hook is gone; update scripts/build.mjs");
      return { contents: patch(source, /H="data:application\/octet-stream;base64,[^"]*"/, 'H=""', args.path), loader: 'js' };
    });
    build.onLoad({ filter: /[\\/]ink[\\/]build[\\/]reconciler\.js$/ }, async (args) => {
      let source = await readFile(args.path, 'utf8');
      source = patch(source, "await import('./devtools.js');", '', args.path);
      source = patch(source, '? await loadPackageJson()', '? {}', args.path);
      return { contents: source, loader: 'js' };
    });
  },
};

/**
 * Builds the vendor script into `dir` (named by its content, so a cache never meets another
 * build's script) and returns the plugin that makes the bundle import Ink and React from it.
 */
async function vendorScript(dir, minify) {
  const entry = Object.entries(VENDOR_PACKAGES)
    .map(([name, spec]) => (name === 'ink' ? `export * as ink from '${spec}';` : `export { default as ${name} } from '${spec}';`))
    .join('\n');
  const result = await esbuild.build({
    stdin: { contents: entry, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    format: 'iife',
    globalName: 'vendor',
    platform: 'node',
    target: 'node20',
    minify,
    write: false,
    // a function of `require`: vendor-loader.mjs calls it with one made for the script's path
    banner: { js: '(function (require) {' },
    footer: { js: 'return vendor; })' },
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [trimUnused, scriptReady],
    legalComments: 'none',
    logLevel: 'warning',
    logOverride: { 'empty-import-meta': 'silent' },
  });
  const text = result.outputFiles[0].text;
  const file = join(dir, `vendor-${createHash('sha256').update(text).digest('hex').slice(0, 8).toUpperCase()}.js`);
  mkdirSync(dir, { recursive: true });
  if (!existsSync(file)) writeFileSync(file, text);
  // what each package exports, for the facades: asked of the packages themselves
  const require = createRequire(join(ROOT, 'package.json'));
  const names = {
    ink: Object.keys(await import(pathToFileURL(require.resolve('ink')).href)),
    react: Object.keys(require('react')),
    jsxRuntime: Object.keys(require('react/jsx-runtime')),
  };
  const loader = JSON.stringify(join(ROOT, 'scripts', 'vendor-loader.mjs'));
  const chunkFolder = basename(dir);
  const plugin = {
    name: 'vendor-script',
    setup(build) {
      const specs = Object.values(VENDOR_PACKAGES).map((s) => s.replace('/', '\\/')).join('|');
      build.onResolve({ filter: new RegExp(`^(${specs})$`) }, (args) => ({ path: args.path, namespace: 'vendor' }));
      build.onResolve({ filter: /^vendor-script$/ }, () => ({ path: 'vendor-script', namespace: 'vendor' }));
      build.onLoad({ filter: /.*/, namespace: 'vendor' }, (args) => {
        if (args.path === 'vendor-script') {
          // this module lands in the entry file or among the chunks: the script is among the chunks
          const contents = [
            `import { loadVendor } from ${loader};`,
            "import { basename, dirname, join } from 'node:path';",
            "import { fileURLToPath } from 'node:url';",
            'const here = dirname(fileURLToPath(import.meta.url));',
            `const dir = basename(here) === ${JSON.stringify(chunkFolder)} ? here : join(here, 'chunks', ${JSON.stringify(chunkFolder)});`,
            `export const vendor = loadVendor(join(dir, ${JSON.stringify(basename(file))}));`,
          ].join('\n');
          return { contents, loader: 'js', resolveDir: ROOT };
        }
        const name = Object.keys(VENDOR_PACKAGES).find((n) => VENDOR_PACKAGES[n] === args.path);
        const exported = names[name].filter((n) => n !== 'default' && /^[A-Za-z_$][\w$]*$/.test(n));
        const contents = [
          "import { vendor } from 'vendor-script';",
          `export const { ${exported.join(', ')} } = vendor.${name};`,
          ...(name === 'ink' ? [] : [`export default vendor.${name};`]),
        ].join('\n');
        return { contents, loader: 'js', resolveDir: ROOT };
      });
    },
  };
  return { plugin, file };
}

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
  const vendor = tuned ? await vendorScript(chunkDir(outfile), minify) : undefined;
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
    plugins: vendor ? [trimUnused, vendor.plugin] : [trimUnused],
    jsx: 'automatic',
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  });
  chmodSync(outfile, 0o755);
  const chunks = Object.keys(result.metafile.outputs).filter((f) => resolve(f) !== resolve(outfile));
  const current = new Set(chunks.map((f) => resolve(f)));
  if (vendor) current.add(vendor.file).add(`${vendor.file}.cache`);
  removeStaleChunks(chunkDir(outfile), current);
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
