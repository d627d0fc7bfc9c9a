import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { runCli } from '../support/cli.js';

// Subnet 191 belongs to this file. scripts/bundle.mjs leaves parts of axios out of the bundle and
// src/zod.ts turns zod's compiler off, both for start-up time (docs/development.md, "The build").
// This proves on a real run of the built CLI that what is left out stays out, and that link still
// works through what is left in (axios's http adapter, the pinned TLS context, zod's parsers).
const chunksDir = fileURLToPath(new URL('../../dist/chunks/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mrs-bundle-'));
let sb: RunningSandbox;

beforeAll(async () => {
  sb = await startSandbox({ stateDir: join(dir, 'sandbox'), subnet: 191, restartMs: 30, seedPeer: true, plugins: false });
});
afterAll(async () => {
  await sb?.stop();
});

describe('the bundled CLI', () => {
  it('links two clusters without loading undici and without compiling code at run time', async () => {
    // Loaded before the CLI (NODE_OPTIONS=--import): counts `new Function` and, at exit, writes
    // which built-in modules the process loaded.
    const probe = join(dir, 'probe.mjs');
    const report = join(dir, 'probe.json');
    writeFileSync(
      probe,
      [
        "import { writeFileSync } from 'node:fs';",
        'let compiled = 0;',
        'globalThis.Function = new Proxy(globalThis.Function, { construct(target, args) { compiled++; return Reflect.construct(target, args); } });',
        `process.on('exit', () => writeFileSync(${JSON.stringify(report)}, JSON.stringify({ compiled, modules: process.moduleLoadList })));`,
      ].join('\n'),
    );
    const run = await runCli(['link', 'alpha', 'beta', '--config', sb.configPath, '--yes', '--json'], { env: { NODE_OPTIONS: `--import ${probe}` } });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true });
    expect(sb.snapshot().clusters.map((c) => c.restartCount)).toEqual([1, 1]);
    const seen = JSON.parse(readFileSync(report, 'utf8')) as { compiled: number; modules: string[] };
    expect(seen.modules.some((m) => m.includes('undici')), 'undici (fetch, FormData) was loaded').toBe(false);
    expect(seen.compiled, 'zod compiled a parser with new Function').toBe(0);
  });

  it('holds none of the axios parts it leaves out', () => {
    const text = readdirSync(chunksDir)
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(join(chunksDir, f), 'utf8'))
      .join('\n');
    // A string literal that only each left-out file holds (the bundle is minified: no path comments).
    const marks = {
      'axios/lib/adapters/fetch.js': 'Stream request bodies are not supported by the current fetch implementation',
      'axios/lib/adapters/xhr.js': 'getAllResponseHeaders',
      'mime-db': 'application/vnd.3gpp.pic-bw-large',
      'form-data': '--------------------------',
    };
    for (const [left, mark] of Object.entries(marks)) expect(text.includes(mark), left).toBe(false);
    // What is left in is there (axios's http adapter): the test above would not mean much otherwise.
    expect(text.includes('Invalid proxy authorization')).toBe(true);
    // https-proxy-agent is in, required at its first use (never: every client sets proxy: false).
    expect(text).toMatch(/function HttpsProxyAgent\(options\)\{const Agent=require_\w+\(\);return new Agent\(options\)\}/);
  });

  it('puts the CommonJS shims (require, __dirname) only in the chunks that use them, keeping line numbers', () => {
    const shim = "const require = __mrsCreateRequire(import.meta.url);";
    const chunks = readdirSync(chunksDir).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(chunksDir, f), 'utf8'));
    const withShim = chunks.filter((text) => text.includes(shim));
    for (const text of chunks) {
      const body = text.split('\n').slice(1).join('\n');
      expect(text.includes(shim), text.slice(0, 300)).toBe(/\brequire\b|__dirname|__filename/.test(body));
      // Blanked, not removed: the first line is still there, so the source map still fits.
      if (!text.includes(shim)) expect(text.startsWith('\n')).toBe(true);
    }
    expect(withShim.length).toBeGreaterThan(0);
    expect(withShim.length).toBeLessThan(chunks.length / 4);
  });

  it("asks tough-cookie's IPv6 expression only about strings with a ':', with the same answers", () => {
    const text = readdirSync(chunksDir).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(chunksDir, f), 'utf8')).join('\n');
    expect(text).toContain('IP_V6_REGEX_OBJECT={test:s=>String(s).includes(":")&&IP_V6_REGEX_FULL.test(s)}');
    // The expression as tough-cookie builds it, from its own file.
    const source = readFileSync(fileURLToPath(new URL('../../node_modules/tough-cookie/dist/index.js', import.meta.url)), 'utf8');
    const body = /var IP_V6_REGEX = `([\s\S]*?)`/.exec(source)?.[1] as string;
    const full = new RegExp(`^${body.replace(/\s*\/\/.*$/gm, '').replace(/\n/g, '').trim().replace(/\\\\/g, '\\')}$`);
    const guarded = (s: unknown) => String(s).includes(':') && full.test(s as string);
    const hosts = ['127.0.0.1', '10.1.2.3', 'mrs-manager.example.com', 'localhost', '', '::', '::1', '[::1]', 'fe80::1%eth0', '2001:db8::8a2e:370:7334', '1:2:3:4:5:6:7:8', '::ffff:192.0.2.1', '[2001:db8::]', ':::', '1::', ':', 'a:b', 'g::1', undefined, null];
    expect(hosts.filter((h) => full.test(h as string)).length).toBeGreaterThan(6);
    for (const h of hosts) expect(guarded(h), String(h)).toBe(full.test(h as string));
  });

  it("answers tough-cookie's getDomain for dotted quads without tldts, as tldts itself answers", async () => {
    const text = readdirSync(chunksDir).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(chunksDir, f), 'utf8')).join('\n');
    // What the bundle ships (scripts/bundle.mjs, oneToughCookie): the test below runs that expression.
    const shipped = /DOTTED_QUAD=\/(.+?)\/;var init_tldts_on_first_use|DOTTED_QUAD=\/(.+?)\/\}/.exec(text);
    const source = shipped?.[1] ?? shipped?.[2];
    expect(source, 'the bundle holds the dotted-quad guard').toBeDefined();
    expect(text).toContain('if(typeof host==="string"&&DOTTED_QUAD.test(host))return null;return require_');
    const dottedQuad = new RegExp(source as string);
    const { getDomain } = await import('tldts');
    // tough-cookie's options (lib/getPublicSuffix.ts).
    const options = { allowIcannDomains: true, allowPrivateDomains: true };
    const guarded = (h: string) => (dottedQuad.test(h) ? null : getDomain(h, options));
    const hosts = ['127.0.0.1', '10.1.2.3', '127.251.1.10', '999.999.999.999', '0.0.0.0', '01.02.03.04', '1.2.3', '1.2.3.4.5', '1.2.3.4.', '.1.2.3.4', '1.2.3.com', '1234.1.1.1', 'mrs-manager.example.com', 'example.co.uk', 'a.b.github.io', 'localhost', '', '::1', '[::1]', '1.2.3.4:8080'];
    expect(hosts.filter((h) => dottedQuad.test(h)).length).toBeGreaterThan(4);
    expect(hosts.filter((h) => getDomain(h, options) !== null).length).toBeGreaterThan(2);
    for (const h of hosts) expect(guarded(h), h).toBe(getDomain(h, options));
  });
});
