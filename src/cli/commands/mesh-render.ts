import type { MeshPlan } from '../../domain/mesh-plan.js';
import type { MeshResult } from '../../workflow/mesh/result.js';

/** The plan as shown before the confirmation: per cluster, the rows it gains, changes or loses. */
export function renderMeshPlan(plan: MeshPlan): string[] {
  const lines = [`Plan: mesh of ${plan.clusters.length} clusters, ${plan.pairs.length} trusts${plan.prune ? ' (--prune)' : ''}`];
  for (const s of plan.sides) {
    lines.push('', `${s.cluster} (${s.realm}, MRS ${s.mrsVersion}, config version ${s.configVersion}): ${s.peersAfter.length} peer(s) after, limit ${s.peerLimit}`);
    for (const c of s.changes) lines.push(`  ${c.kind === 'added' ? '+ add   ' : c.kind === 'updated' ? '~ update' : '- remove'}  ${c.realm}  ${'after' in c ? c.after.ip_port : 'before' in c ? c.before.ip_port : ''}`);
    if (s.changes.length === 0) lines.push('  = nothing to change');
    lines.push(`  restart: ${s.restart.length > 0 ? `${s.restart.join(', ')} (once)` : 'nothing'}`);
  }
  return lines;
}

const WORDS = { ok: 'yes', stale: 'stale', none: '-' } as const;

function matrix(result: MeshResult): string[] {
  const m = result.matrix;
  if (!m) return [];
  const names = result.clusters;
  const width = Math.max(6, ...names.map((n) => n.length)) + 2;
  const lines = ['', `trust matrix (row lists column): ${'yes'} = with its current KDCs, stale = other KDCs, - = not listed`, ''.padEnd(width) + names.map((n) => n.padEnd(width)).join('')];
  for (const from of names) lines.push(from.padEnd(width) + names.map((to) => (to === from ? '·' : WORDS[m[from]?.[to] ?? 'none']).padEnd(width)).join(''));
  for (const t of result.trusts ?? []) lines.push(`trust ${t.a} ↔ ${t.b}: ${t.state === 'both' ? 'both ways' : t.state}`);
  return lines;
}

/** The closing table: one row per cluster (what changed, restarted, failed). */
export function humanMesh(result: MeshResult): string[] {
  if (result.action === 'status') return [`Mesh status: ${result.clusters.length} clusters, ${result.pairs.length} trusts in the topology`, ...matrix(result)];
  const title = result.dryRun ? 'Mesh plan (nothing written)' : result.ok ? (result.changed ? `Mesh ${result.action}: done` : 'Nothing changed') : `Mesh ${result.action}: some clusters failed`;
  const rows = result.sides.map((s) => {
    const what = s.changes.length === 0 ? 'no change' : s.changes.map((c) => `${c.kind} ${c.realm}`).join(', ');
    const restart = s.restarted ? '; KrbServer restarted once' : '';
    return `  ${s.cluster.padEnd(12)} ${s.outcome.padEnd(9)} ${what}${restart}${s.error ? `  [${s.error.step}: ${s.error.code}: ${s.error.message}]` : ''}`;
  });
  const extra = [result.clients ? `  refresh-clients: ${result.clients.summary}` : '', result.journal ? `  journal: ${result.journal}` : ''].filter(Boolean);
  return [title, ...rows, ...extra];
}
