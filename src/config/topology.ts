import { parseDocument } from 'yaml';
import { z } from '../zod.js';
import type { Topology } from '../domain/topology.js';
import { ConfigError } from '../errors/index.js';
import { firstIssue, friendlyError } from './issues.js';
import type { LoadedConfig } from './load.js';
import { CLUSTER_NAME, strict } from './schema.js';
import { readUserFile } from './read-file.js';
import { didYouMean } from './suggest.js';

/**
 * The `mesh` topology file: a public contract like clusters.yaml (schemas/topology.schema.json).
 *   version: 1
 *   clusters: [c1, c2, c3]
 *   trusts: full | { hub: c1 } | { pairs: [[c1, c2], [c2, c3]] }
 */
const name = z.string().regex(CLUSTER_NAME, 'must be a cluster name from clusters.yaml');

export const topologySchema = strict({
  version: z.literal(1, { error: 'must be 1 (the only format version)' }),
  clusters: z.array(name).min(2, 'a mesh needs at least two clusters'),
  trusts: z.union([z.literal('full'), strict({ hub: name }), strict({ pairs: z.array(z.tuple([name, name])).min(1, 'give at least one pair') })], {
    error: 'must be "full", { hub: NAME } or { pairs: [[A, B], …] }',
  }),
}).describe('mrs-trust mesh topology');

/** Cross-field rules: names unique, hub and pair members among `clusters`, no self-pair. */
function crossChecks(t: Topology, where: string): void {
  const seen = new Set<string>();
  t.clusters.forEach((c, i) => {
    if (seen.has(c)) throw new ConfigError(`clusters[${i}]`, `"${c}" is listed twice`, { hint: `check ${where}` });
    seen.add(c);
  });
  const member = (n: string, path: string) => {
    if (!seen.has(n)) throw new ConfigError(path, `"${n}" is not in clusters${didYouMean(n, t.clusters)}`, { hint: `check ${where}` });
  };
  const trusts = t.trusts;
  if (trusts === 'full') return;
  if ('hub' in trusts) return member(trusts.hub, 'trusts.hub');
  trusts.pairs.forEach(([a, b], i) => {
    member(a, `trusts.pairs[${i}][0]`);
    member(b, `trusts.pairs[${i}][1]`);
    if (a === b) throw new ConfigError(`trusts.pairs[${i}]`, `"${a}" cannot trust itself`, { hint: `check ${where}` });
  });
}

/** Parses a topology file's text (YAML, schema, cross-field rules); names are not checked yet. Exit 2 naming the field. */
export function parseTopologyText(text: string, where: string): Topology {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = yamlError.linePos?.[0];
    throw new ConfigError('', `${where}${line ? `:${line.line}:${line.col}` : ''}: YAML error: ${yamlError.message.split('\n')[0]}`, { hint: 'fix the YAML syntax' });
  }
  const parsed = topologySchema.safeParse(doc.toJS() ?? undefined, { error: friendlyError });
  if (!parsed.success) {
    const { path, reason } = firstIssue(parsed.error);
    throw new ConfigError(path, `${reason} (${where})`, { hint: 'see docs/mesh.md for the topology format' });
  }
  const topology = parsed.data as Topology;
  crossChecks(topology, where);
  return topology;
}

/** Every cluster of the topology must be a cluster of clusters.yaml. Exit 2 naming the field. */
export function checkTopologyNames(topology: Topology, where: string, config: LoadedConfig): Topology {
  const known = Object.keys(config.clusters);
  topology.clusters.forEach((c, i) => {
    if (!config.clusters[c]) throw new ConfigError(`clusters[${i}]`, `"${c}" is not a cluster of ${config.path}${didYouMean(c, known)} (${where})`, { hint: `known clusters: ${known.join(', ')}` });
  });
  return topology;
}

/** Parses a topology and checks every name against clusters.yaml. Exit 2 naming the field on any problem. */
export function parseTopology(text: string, where: string, config: LoadedConfig): Topology {
  return checkTopologyNames(parseTopologyText(text, where), where, config);
}

/** Reads and parses a topology file (names not checked: `--sandbox` reads it before any clusters.yaml exists). */
export async function readTopology(path: string): Promise<{ topology: Topology; where: string }> {
  const { absolute, text } = await readUserFile(path, 'TOPOLOGY_NOT_FOUND', 'give the topology file: mrs-trust mesh plan TOPOLOGY');
  return { topology: parseTopologyText(text, absolute), where: absolute };
}
