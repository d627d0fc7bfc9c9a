import { matrixRows } from '../domain/ssh-matrix.js';
import { padRows } from '../report/table.js';
import type { SshTrustResult } from '../workflow/ssh-trust/run.js';

type Host = SshTrustResult['hosts'][number];

function changesText(h: Host): string {
  if (h.error) return `FAILED in ${h.error.step}: ${h.error.message} [${h.error.code}]`;
  if (h.changes.length === 0) return 'unchanged';
  const parts = h.changes.map((c) => {
    if (c.action === 'append') return `+${c.lines?.length ?? 0} ${c.path.replace('.ssh/', '')}`;
    if (c.action === 'remove-lines') return `-${c.lines?.length ?? 0} ${c.path.replace('.ssh/', '')}`;
    if (c.action === 'chmod') return `chmod ${c.mode} ~/${c.path}`;
    return c.action === 'generate-key' ? 'new key' : c.action === 'remove-key-pair' ? 'key pair removed' : c.action;
  });
  return parts.join(', ');
}

function matrixLines(r: SshTrustResult): string[] {
  const lines = ['', 'Login check (plain ssh, BatchMode, strict host keys; row logs in to column):'];
  lines.push(...padRows(matrixRows(r.hosts.map((h) => h.label), r.matrix.pairs)).map((l) => `  ${l}`));
  for (const p of r.matrix.pairs.filter((p) => p.status === 'failed')) lines.push(`  ${p.from} -> ${p.to}: ${p.reason ?? 'refused'}`);
  lines.push(`${r.matrix.ok}/${r.matrix.total} ordered pairs log in without a password${r.matrix.notRun > 0 ? ` (${r.matrix.notRun} not checked: a host failed before the check)` : ''}.`);
  return lines;
}

/** The human output of `ssh trust` / `ssh revoke`: per host, then the login matrix. */
export function renderSshTrust(r: SshTrustResult): string[] {
  const verb = r.dryRun ? 'would change' : 'changed';
  const lines = [`ssh ${r.action}${r.dryRun ? ' (dry run)' : ''}: ${r.hosts.length} hosts from ${r.hostFile}`];
  for (const d of r.duplicates) lines.push(`  line ${d.line}: ${d.label} repeats line ${d.firstLine} (dropped)`);
  const rows = r.hosts.map((h, i) => [`${i + 1}`, h.label, h.hostKey ? `${h.hostKey.source} ${h.hostKey.fingerprint}` : '-', h.key ? (h.key.generated ? 'generated' : 'existing') : '-', changesText(h)]);
  lines.push(...padRows([['#', 'HOST', 'HOST KEY', 'KEY', r.dryRun ? 'WOULD CHANGE' : 'CHANGES'], ...rows]).map((l) => `  ${l}`));
  for (const h of r.hosts) for (const c of h.conflicts) lines.push(`  ${h.label}: ${c}`);
  if (r.matrix.verified) lines.push(...matrixLines(r));
  for (const h of r.hosts) if (h.error?.hint) lines.push(`hint (${h.label}): ${h.error.hint}`);
  lines.push(r.changed ? `${r.hosts.filter((h) => h.status === 'changed').length} host(s) ${verb}.` : `Nothing ${verb}: ${r.action === 'trust' ? 'every file already had what it needs' : 'no line of ours was left'}.`);
  return lines;
}
