import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { namedRealms, parseKrb5Realms } from '../../../src/workflow/clients/krb5.js';
import { routeJobs, scenarioFor } from '../../../src/workflow/clients/routing.js';
import { refreshCommand, shQuote, uploadDirCommand } from '../../../src/workflow/clients/shell.js';

describe('scenarioFor', () => {
  it.each([
    ['analysis', 'analysis', 1],
    ['streaming', 'streaming', 1],
    ['analysis', 'streaming', 2],
    ['hybrid', 'hybrid', 2],
    ['hybrid', 'analysis', 2],
    ['streaming', 'hybrid', 2],
  ] as const)('%s + %s → %i', (a, b, expected) => expect(scenarioFor(a, b)).toBe(expected));
});

describe('routeJobs', () => {
  const clusters = [
    { name: 'a', hosts: [{ host: 'a1', field: 'f' }] },
    { name: 'b', hosts: [{ host: 'b1', field: 'g' }] },
  ];
  it('scenario 1: own only; scenario 2: peer first, own last', () => {
    expect(routeJobs(clusters, 1).map((j) => j.sources)).toEqual([['a'], ['b']]);
    expect(routeJobs(clusters, 2).map((j) => j.sources)).toEqual([['b', 'a'], ['a', 'b']]);
  });
});

describe('parseKrb5Realms', () => {
  it('reads default_realm and [realms] blocks, ignoring comments and nested braces', () => {
    const text = `# MRS client
[kdcdefaults]
 kdc_ports = 21732
[libdefaults]
  default_realm = ALPHA.MRS   
  dns_lookup_kdc = false
[realms]
  ALPHA.MRS = {
    kdc = 10.0.0.1:21732
    auth_to_local = {
      nested = value
    }
  }
 BETA.MRS = {
  kdc = 10.0.1.1:21732 ; comment
 }
[domain_realm]
  .alpha = ALPHA.MRS
`;
    const parsed = parseKrb5Realms(text);
    expect(parsed).toEqual({ defaultRealm: 'ALPHA.MRS', realms: ['ALPHA.MRS', 'BETA.MRS'] });
    expect(namedRealms(parsed)).toEqual(['ALPHA.MRS', 'BETA.MRS']);
  });

  it('empty or garbage text names nothing', () => {
    expect(parseKrb5Realms('')).toEqual({ realms: [] });
    expect(parseKrb5Realms('}}}} [realms] X = {')).toEqual({ realms: [] });
  });
});

describe('remote commands', () => {
  it('quote every path so none can inject a command', () => {
    expect(shQuote("/tmp/it's here")).toBe(`'/tmp/it'\\''s here'`);
    expect(refreshCommand('/opt/client', '/tmp/x;rm -rf /')).toBe(`cd '/opt/client' && sh refreshConfig.sh '/opt/client' '/tmp/x;rm -rf /'`);
    const marker = join(tmpdir(), `mrs-trust-injected-${process.pid}`);
    const out = execFileSync('sh', ['-c', uploadDirCommand(`/nonexistent/$(touch ${marker})'; touch ${marker}; '`)], { encoding: 'utf8' });
    expect(out.trim()).toBe('MISSING');
    expect(existsSync(marker)).toBe(false);
    expect(execFileSync('sh', ['-c', uploadDirCommand(tmpdir())], { encoding: 'utf8' })).toMatch(/^OK \d+\n$/);
  });
});
