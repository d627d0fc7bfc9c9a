import { describe, expect, it } from 'vitest';
import { parseConfig, readsNodes } from '../../src/config/load.js';

const yaml = (extra: string, manager = '') => `version: 1
clusters:
  alpha:
    type: analysis
    manager:
      url: https://192.0.2.10:28443
      user: admin
      password: { env: PW }
      tls: { insecure: true }${manager}
${extra}`;
const nodes = '    nodes:\n      - { host: 192.0.2.11 }\n';
const failure = (text: string) => {
  try {
    parseConfig(text, '/x/clusters.yaml');
  } catch (error) {
    return error as { code: string; exitCode: number; message: string };
  }
  throw new Error('expected a failure');
};

describe('clusters.yaml for MRS 3.x', () => {
  it('3.x needs nodes (exit 2 naming clusters.<name>.nodes)', () => {
    const error = failure(yaml('    mrsVersion: "3.1.0"\n'));
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', exitCode: 2 });
    expect(error.message).toContain('clusters.alpha.nodes');
  });

  it('3.x with nodes reads realm and KDCs from a node; trustDomains defaults to checklist', () => {
    const c = parseConfig(yaml(`    mrsVersion: "3.1.0"\n${nodes}`), '/x/clusters.yaml').clusters.alpha!;
    expect(readsNodes(c)).toBe(true);
    expect(c.manager.trustDomains).toBe('checklist');
  });

  it('trustDomains: captured on a 2.x cluster is exit 2 naming the field', () => {
    const error = failure(yaml(nodes, '\n      trustDomains: captured'));
    expect(error.message).toContain('clusters.alpha.manager.trustDomains');
  });

  it('an unknown trustDomains value is refused', () => {
    expect(failure(yaml(`    mrsVersion: "3.1.0"\n${nodes}`, '\n      trustDomains: api')).exitCode).toBe(2);
  });

  it('2.x with api discovery does not read nodes', () => {
    expect(readsNodes(parseConfig(yaml(nodes), '/x/clusters.yaml').clusters.alpha!)).toBe(false);
  });
});
