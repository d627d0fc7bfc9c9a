// The CLI as users run it: src/main.ts and everything it loads, bundled by esbuild into
// dist/main.js plus lazily loaded chunks in dist/chunks/ (one per `import()` boundary, so
// `--help` still loads commander only). Why: Node 20 resolves, reads and compiles each ES module
// separately, and `link` loads ~250 of them (ours and its dependencies'); one bundle per
// boundary starts ~0.3 s sooner on this 2-core machine (bench/link, docs/development.md).
// `tsc` still writes the per-file build (dist/**) first: the sandbox, the tools and the
// benchmarks import from it; this step then replaces dist/main.js with the bundle.
import { build } from 'esbuild';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * zod's `z` namespace re-exports the translations of its error messages in every language
 * (`z.locales`, ~360 KB: half of zod in the bundle, compiled at every start). mrs-trust never
 * switches the locale: its messages are English, from `locales/en.js`, which zod's schemas import
 * directly. The namespace of translations becomes an empty module.
 */
const withoutZodLocales = {
  name: 'without-zod-locales',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => (/[\\/]node_modules[\\/]zod[\\/]/.test(args.importer) ? { path: 'zod-locales', namespace: 'empty' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};
/**
 * axios picks its `http` adapter in Node (its default order is xhr, http, fetch: xhr is absent
 * there), and mrs-trust sends JSON and form-urlencoded bodies, never multipart. Yet loading axios
 * evaluates its fetch adapter, which reads `Request` and `Response` from the global object (and
 * utils.js reads `FormData`): that makes Node load its built-in undici (~25 ms), and form-data pulls in mime-db (~210 KB of
 * JSON). In the bundle the fetch and xhr adapters are "not supported by the environment" (what
 * axios itself reports for xhr in Node) and form-data is a class that says why it is missing.
 * The http adapter, with its proxy and redirect handling, is axios's own.
 */
const axiosFormDataProbe = "const FormDataCtor = typeof G.FormData !== 'undefined' ? G.FormData : undefined;";
const withoutUnusedAxiosParts = {
  name: 'without-unused-axios-parts',
  setup(b) {
    // utils.js reads the global FormData (undici again) only for an `instanceof` shortcut; its
    // own fallback still recognises a native FormData by its tag. Fails the build if axios changes.
    b.onLoad({ filter: /[\\/]node_modules[\\/]axios[\\/]lib[\\/]utils\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes(axiosFormDataProbe)) throw new Error(`scripts/bundle.mjs: ${args.path} no longer reads the global FormData as expected; review withoutUnusedAxiosParts`);
      return { contents: source.replace(axiosFormDataProbe, 'const FormDataCtor = undefined;'), loader: 'js' };
    });
    const fromAxios = (importer) => /[\\/]node_modules[\\/]axios[\\/]lib[\\/]/.test(importer);
    b.onResolve({ filter: /^\.\/(fetch|xhr)\.js$/ }, (args) => (fromAxios(args.importer) && /[\\/]adapters[\\/]adapters\.js$/.test(args.importer) ? { path: args.path, namespace: 'axios-absent-adapter' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'axios-absent-adapter' }, () => ({ contents: 'export const getFetch = () => false; export default false;', loader: 'js' }));
    // https-proxy-agent (with agent-base and debug, ~25 KB) serves only proxied requests, and every
    // axios client here sets `proxy: false`: it is required at its first use instead of when axios
    // loads (new of a function that returns an object gives that object: axios gets the real agent).
    b.onResolve({ filter: /^https-proxy-agent$/ }, (args) => (fromAxios(args.importer) ? { path: 'https-proxy-agent', namespace: 'axios-proxy-agent-on-first-use', pluginData: { resolveDir: args.resolveDir } } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'axios-proxy-agent-on-first-use' }, (args) => ({
      contents: 'export default function HttpsProxyAgent(options) { const Agent = require("https-proxy-agent"); return new Agent(options); }',
      loader: 'js',
      resolveDir: args.pluginData.resolveDir,
    }));
    b.onResolve({ filter: /^form-data$/ }, (args) => (fromAxios(args.importer) ? { path: 'form-data', namespace: 'axios-absent-form-data' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'axios-absent-form-data' }, () => ({
      contents: "export default class FormData { constructor() { throw new Error('multipart/form-data is not part of the mrs-trust bundle (scripts/bundle.mjs)'); } }",
      loader: 'js',
    }));
  },
};
const cjsShims = [
  "import { createRequire as __mrsCreateRequire } from 'node:module';",
  "import { fileURLToPath as __mrsFileURLToPath } from 'node:url';",
  "import { dirname as __mrsDirname } from 'node:path';",
  'const require = __mrsCreateRequire(import.meta.url);',
  'const __filename = __mrsFileURLToPath(import.meta.url);',
  'const __dirname = __mrsDirname(__filename);',
].join(' ');

/**
 * esbuild puts the banner on every chunk, but only a few chunks hold CommonJS code that uses
 * `require`, `__dirname` or `__filename` (4 of ~120). Elsewhere the line is blanked (not removed:
 * the source maps keep their line numbers). Each shim line costs three built-in imports and a
 * `createRequire`; link loads ~50 chunks, and dropping the unused ones saved ~15 ms of its
 * start-up (docs/development.md). Any mention of the three names, even in a string, keeps it.
 */
function withShimsOnlyWhereUsed(text) {
  const at = text.indexOf(cjsShims);
  if (at < 0) return text;
  const rest = text.slice(0, at) + text.slice(at + cjsShims.length);
  return /\brequire\b|__dirname|__filename/.test(rest) ? text : rest;
}
/**
 * One tough-cookie in the bundle: our code imports its ES module build, http-cookie-agent (CommonJS)
 * requires its CommonJS build, and esbuild would bundle both (~43 KB twice, and two CookieJar
 * classes for one jar). Every import of it resolves to the ES module build.
 */
const toughCookieIpv6 = 'var IP_V6_REGEX_OBJECT = new RegExp(`^${IP_V6_REGEX}$`);';
const toughCookieTldts = 'import { getDomain } from "tldts";';
const tldtsOnFirstUse = [
  'const DOTTED_QUAD = /^\\d{1,3}(?:\\.\\d{1,3}){3}$/;',
  'export function getDomain(host, options) {',
  '  if (typeof host === "string" && DOTTED_QUAD.test(host)) return null;',
  '  return require("tldts").getDomain(host, options);',
  '}',
].join('\n');
const oneToughCookie = {
  name: 'one-tough-cookie',
  setup(b) {
    // tough-cookie tests every cookie domain against a large IPv6 expression before anything else;
    // V8 compiles it on the first two tests (~9 ms, then ~2 ms, measured), in the middle of the
    // CAS login. Every alternative of that expression holds a ':' (a group ending in ':' or a
    // leading ':'), so a string without one can never match: the bundle asks that first, and the
    // expression runs only for what may be an IPv6 literal. Same answers for every input.
    b.onLoad({ filter: /[\\/]node_modules[\\/]tough-cookie[\\/]dist[\\/]index\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes(toughCookieIpv6)) throw new Error(`scripts/bundle.mjs: ${args.path} no longer builds IP_V6_REGEX_OBJECT as expected; review oneToughCookie`);
      const guarded = 'var IP_V6_REGEX_FULL = new RegExp(`^${IP_V6_REGEX}$`); var IP_V6_REGEX_OBJECT = { test: (s) => String(s).includes(":") && IP_V6_REGEX_FULL.test(s) };';
      if (!source.includes(toughCookieTldts)) throw new Error(`scripts/bundle.mjs: ${args.path} no longer imports getDomain from tldts as expected; review oneToughCookie`);
      return { contents: source.replace(toughCookieIpv6, () => guarded).replace(toughCookieTldts, () => 'import { getDomain } from "tldts-on-first-use";'), loader: 'js', resolveDir: dirname(args.path) };
    });
    // tldts (the public suffix list, ~140 KB) builds its lookup tables when it is loaded; tough-cookie
    // asks it for the registrable domain of every cookie and request host. For a dotted-quad IPv4
    // address tldts answers null before it looks at the list (its `detectIp`, on by default), and
    // Managers are usually addressed that way: the bundle answers null for those itself and loads
    // tldts (a CommonJS module, evaluated by esbuild's require() at the call) at the first host
    // name. The bundle test compares the answers with tldts's own.
    b.onResolve({ filter: /^tldts-on-first-use$/ }, (args) => ({ path: args.path, namespace: 'tldts-on-first-use', pluginData: { resolveDir: args.resolveDir } }));
    b.onLoad({ filter: /.*/, namespace: 'tldts-on-first-use' }, (args) => ({ contents: tldtsOnFirstUse, loader: 'js', resolveDir: args.pluginData.resolveDir }));
    b.onResolve({ filter: /^tough-cookie$/ }, async (args) => {
      if (args.pluginData?.oneToughCookie) return undefined;
      const esm = await b.resolve('tough-cookie', { kind: 'import-statement', resolveDir: root, pluginData: { oneToughCookie: true } });
      return esm.errors.length > 0 ? undefined : { path: esm.path };
    });
  },
};
const dist = `${root}dist`;
rmSync(`${dist}/chunks`, { recursive: true, force: true });

const result = await build({
  entryPoints: { main: `${root}src/main.ts` },
  outdir: dist,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  // Whitespace only (4.2 → 3.3 MB): Node 20 decodes and scans every chunk it loads, and link
  // started ~25 ms sooner (docs/development.md). Names stay as written, so a stack trace still
  // reads; the source maps give the lines. Not minifySyntax: it wraps functions in a way V8
  // compiles eagerly, and start-up got slower.
  minifyWhitespace: true,
  logLevel: 'warning',
  // BUNDLE_META=FILE writes esbuild's metafile: which inputs went into which chunk, with sizes.
  metafile: Boolean(process.env.BUNDLE_META),
  // Native add-ons cannot be bundled: ssh2 (and its optional cpu-features) load from node_modules.
  external: ['ssh2', 'cpu-features'],
  plugins: [withoutZodLocales, withoutUnusedAxiosParts, oneToughCookie],
  // Bundled CommonJS dependencies call require() and use __dirname; an ES module has neither.
  banner: { js: cjsShims },
  write: false,
});
for (const file of result.outputFiles) {
  mkdirSync(dirname(file.path), { recursive: true });
  writeFileSync(file.path, file.path.endsWith('.js') ? withShimsOnlyWhereUsed(file.text) : file.contents);
}
// The bin must stay executable after every build.
chmodSync(`${dist}/main.js`, 0o755);
if (process.env.BUNDLE_META) writeFileSync(process.env.BUNDLE_META, JSON.stringify(result.metafile));
