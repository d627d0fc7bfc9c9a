import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { precheckResultSchema, type PrecheckResult } from '../../src/workflow/precheck/result.js';
import { runCli } from '../support/cli.js';
import { requireBinary } from '../support/require-binary.js';

// The HTML pre-check report of a sandbox pair with many failing checks, rendered by the system's
// headless Chromium (Debian `chromium`, driven by playwright-core; no browser is downloaded) with
// JavaScript off: the cluster names and every failing check, with its fix, must be visible.
// `UPDATE_DOCS_SCREENSHOT=1` also refreshes docs/precheck-report.png. Subnet 184 belongs to this file.
const browserBinary = requireBinary('chromium', 'chromium');
const SUBNET = 184;
const DOCS_PNG = new URL('../../docs/precheck-report.png', import.meta.url);

/** Flags for a root user on a closed network (no sandbox, nothing phoning home). */
const CHROMIUM_ARGS = ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

/** Measured numbers (times, offsets with their sign, milliseconds) as '#': they differ between two runs. */
const digitless = (text: string) => text.replace(/[+-]?\d+/g, '#');
const anchor = (c: PrecheckResult['checks'][number]) => `#check-${c.name}-${c.cluster ?? 'pair'}`;

describe.skipIf(!browserBinary.available)('the HTML pre-check report in headless Chromium', () => {
  let sb: RunningSandbox;
  let dir: string;
  let browser: Browser;
  let page: Page;
  let result: PrecheckResult;
  const requests: string[] = [];
  const report = () => join(dir, 'precheck-report.html');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mrs-precheck-html-'));
    sb = await startSandbox({
      stateDir: dir,
      subnet: SUBNET,
      restartMs: 20,
      closedGroups: true,
      faults: { faults: [], clusters: { alpha: { clockSkewSeconds: 600, version: 'MRS 1.8.0' }, beta: { kdc: 'closed', unhealthy: ['HDFS'] } } },
    });
    const args = ['--config', sb.configPath, 'precheck', 'alpha', 'beta', '--probe-timeout', '1'];
    const html = await runCli([...args, '--format', 'html', '--out', report()]);
    expect(html.code, html.stderr).toBe(3);
    const json = await runCli([...args, '--json']);
    result = precheckResultSchema.parse(JSON.parse(json.stdout));
    const executablePath = execFileSync('sh', ['-c', 'command -v chromium']).toString().trim();
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
    // No script is needed to read the report: JavaScript stays off.
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1200, height: 1500 } });
    page = await context.newPage();
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(report()).href, { waitUntil: 'load' });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await sb?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the sandbox faults gave the report failing checks of every kind', () => {
    const failing = result.checks.filter((c) => c.status === 'fail').map((c) => `${c.name}${c.cluster ? ` ${c.cluster}` : ''}`);
    expect(failing).toEqual(expect.arrayContaining(['security-groups', 'health beta', 'kdc-reachable beta', 'clock-skew', 'cross-realm-password']));
  });

  it('is one self-contained file: nothing but the file itself is loaded', () => {
    expect(requests).toEqual([pathToFileURL(report()).href]);
    expect(readFileSync(report(), 'utf8')).not.toMatch(/<script|<link |src="http|url\(http/);
  });

  it('shows both cluster names and the FAIL verdict', async () => {
    expect(await page.title()).toBe('Pre-check alpha ↔ beta: FAIL');
    await expect.poll(() => page.locator('h1 .cluster').allTextContents()).toEqual(['alpha', 'beta']);
    for (const name of ['alpha', 'beta']) expect(await page.locator('h1 .cluster', { hasText: name }).isVisible()).toBe(true);
    expect(await page.locator('#verdict').isVisible()).toBe(true);
    expect(await page.locator('#verdict').textContent()).toBe('FAIL');
    // The clusters table: realm and version of each.
    expect(await page.locator('#clusters').innerText()).toMatch(/alpha\s+ALPHA\.MRS\s+1\.8\.0[\s\S]*beta\s+BETA\.MRS\s+2\.1\.0/);
  });

  it('shows every failing check, with what was found and its fix, before any other check', async () => {
    const failing = result.checks.filter((c) => c.status === 'fail');
    expect(failing.length).toBeGreaterThanOrEqual(5);
    for (const c of failing) {
      const section = page.locator(`section${anchor(c)}`);
      expect(await section.isVisible(), c.name).toBe(true);
      expect(await section.getAttribute('data-status')).toBe('fail');
      const text = await section.innerText();
      expect(text, c.name).toContain(c.title);
      expect(text).toMatch(/^FAIL/i);
      // The JSON run came a moment after the HTML one: times, offsets and milliseconds differ, nothing else.
      for (const line of c.found) expect(digitless(text)).toContain(digitless(line));
      const fix = section.locator('dt', { hasText: 'Fix' });
      if (c.fixSteps.length > 0) {
        expect(await fix.isVisible(), `${c.name}: fix`).toBe(true);
        for (const step of c.fixSteps) expect(digitless(text)).toContain(digitless(step));
      }
      // Its row in the summary table is visible too, marked fail.
      const row = page.locator(`#summary tr:has(a[href="${anchor(c)}"])`);
      expect(await row.isVisible()).toBe(true);
      expect((await row.locator('td.status').innerText()).toLowerCase()).toBe('fail');
    }
    const order = await page.locator('section.check[data-status]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-status')));
    const firstOther = order.findIndex((s) => s !== 'fail');
    expect(order.slice(0, firstOther)).toHaveLength(failing.length);
    expect(order.slice(firstOther)).not.toContain('fail');
  });

  it('shows each security group that does not admit the peer, with the rule to add', async () => {
    const sg = result.checks.find((c) => c.name === 'security-groups');
    const groups = (sg?.findings ?? []).filter((f) => f.status !== 'pass');
    expect(groups.length).toBe(4);
    const table = await page.locator('#security-groups').innerText();
    for (const f of groups) {
      expect(table).toContain(f.securityGroupId);
      const detail = page.locator('section.check.fail:not([data-status])', { hasText: `${f.cluster} ${f.securityGroupId} ← ${f.peer}` });
      expect(await detail.isVisible()).toBe(true);
      expect(await detail.innerText()).toContain(`${f.securityGroupId}: + ingress IPv4 ANY from`);
    }
    expect(await page.getByText('mrs-trust precheck alpha beta --fix', { exact: true }).isVisible()).toBe(true);
  });

  it('prints (A4, no script) and leaves a screenshot', async () => {
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const png = join(dir, 'precheck-report.png');
    await page.screenshot({ path: png });
    const bytes = readFileSync(png);
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(statSync(png).size).toBeGreaterThan(50_000);
    if (process.env.UPDATE_DOCS_SCREENSHOT === '1') copyFileSync(png, DOCS_PNG);
  });
});
