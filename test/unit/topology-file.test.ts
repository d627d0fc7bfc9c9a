import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { parseTopology } from '../../src/config/topology.js';
import { ConfigError } from '../../src/errors/index.js';

const cluster = (n: number) => `  c${n}:\n    type: analysis\n    manager: { url: "https://10.${n}.0.10:28443", user: admin, password: { env: PW } }\n`;
const config = parseConfig(`version: 1\nclusters:\n${[1, 2, 3].map(cluster).join('')}`, '/tmp/clusters.yaml');
const parse = (text: string) => parseTopology(text, 'mesh.yaml', config);

function refusal(text: string): { path: string; message: string; exitCode: number } {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof ConfigError) return { path: error.path, message: error.message, exitCode: error.exitCode };
    throw error;
  }
  throw new Error('accepted');
}

describe('topology file', () => {
  it('reads the three forms', () => {
    expect(parse('version: 1\nclusters: [c1, c2, c3]\ntrusts: full\n').trusts).toBe('full');
    expect(parse('version: 1\nclusters: [c1, c2, c3]\ntrusts: { hub: c2 }\n').trusts).toEqual({ hub: 'c2' });
    expect(parse('version: 1\nclusters: [c1, c2, c3]\ntrusts: { pairs: [[c1, c2], [c2, c3]] }\n').trusts).toEqual({ pairs: [['c1', 'c2'], ['c2', 'c3']] });
  });
  it.each([
    ['version: 2\nclusters: [c1, c2]\ntrusts: full\n', 'version', /must be 1/],
    ['version: 1\nclusters: [c1]\ntrusts: full\n', 'clusters', /at least two/],
    ['version: 1\nclusters: [c1, c2]\ntrusts: all\n', 'trusts', /"full", \{ hub: NAME \}/],
    ['version: 1\nclusters: [c1, c2]\ntrusts: full\nprune: true\n', '', /unknown key "prune"/],
    ['version: 1\nclusters: [c1, c1]\ntrusts: full\n', 'clusters[1]', /listed twice/],
    ['version: 1\nclusters: [c1, c2]\ntrusts: { hub: c3 }\n', 'trusts.hub', /"c3" is not in clusters/],
    ['version: 1\nclusters: [c1, c2]\ntrusts: { pairs: [[c1, c1]] }\n', 'trusts.pairs[0]', /cannot trust itself/],
    ['version: 1\nclusters: [c1, c2]\ntrusts: { pairs: [[c1, c4]] }\n', 'trusts.pairs[0][1]', /"c4" is not in clusters/],
    ['version: 1\nclusters: [c1, c9]\ntrusts: full\n', 'clusters[1]', /"c9" is not a cluster of \/tmp\/clusters.yaml/],
    ['version: 1\nclusters: [c1, c2\n', '', /YAML error/],
    ['', '', /is required|expected/],
  ])('refuses %j at %s (exit 2)', (text, path, message) => {
    const r = refusal(text);
    expect(r.exitCode).toBe(2);
    expect(r.path).toBe(path);
    expect(r.message).toMatch(message);
  });
});
