import type { SshDoctorResult } from '../workflow/ssh-doctor/result.js';

/** The terminal report of `ssh doctor`: a table by pair, then each cause with its evidence and exact fix. */

type Pair = SshDoctorResult['pairs'][number];

function pad(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}

const statusText = (p: Pair) => (p.status === 'ok' ? 'ok' : p.status === 'unchecked' ? 'NOT CHECKED' : 'FAILED');

function table(pairs: Pair[]): string[] {
  const rows = pairs.map((p) => [p.from, p.to, statusText(p), p.causes.map((c) => `${c.id}@${c.host.split('@').pop() ?? c.host}`).join(', ') || (p.status === 'unchecked' ? 'source not reachable from here' : '')]);
  return pad([['FROM', 'TO', 'STATUS', 'CAUSES (on host)'], ...rows]).map((l) => `  ${l}`);
}

/** Each distinct cause once (several pairs often share one), with the pairs it breaks. */
function details(pairs: Pair[]): string[] {
  const seen = new Map<string, { cause: Pair['causes'][number]; pairs: string[] }>();
  for (const p of pairs) {
    for (const c of p.causes) {
      const key = `${c.id} ${c.host} ${c.summary}`;
      const entry = seen.get(key) ?? { cause: c, pairs: [] };
      entry.pairs.push(`${p.from} -> ${p.to}`);
      seen.set(key, entry);
    }
  }
  const lines: string[] = [];
  for (const { cause: c, pairs: ps } of seen.values()) {
    lines.push('', `${c.id} on ${c.host}: ${c.summary}`, `  breaks:   ${ps.join(', ')}`, `  checked:  ${c.checked}`, `  evidence: ${c.evidence}`, `  fix:      ${c.fix}${c.fixable ? '   [--fix applies it]' : ''}`);
    if (c.notFixableBecause) lines.push(`  not auto: ${c.notFixableBecause}`);
  }
  const unchecked = [...new Set(pairs.flatMap((p) => (p.status === 'unchecked' ? p.unchecked : p.status === 'failed' ? p.unchecked : [])))];
  if (unchecked.length > 0) lines.push('', 'Not checked:', ...unchecked.map((u) => `  - ${u}`));
  return lines;
}

const count = (s: SshDoctorResult['summary']) => `${s.ok} of ${s.pairs} pairs work${s.failed ? `, ${s.failed} failed` : ''}${s.unchecked ? `, ${s.unchecked} not checked` : ''}`;

export function renderDoctor(result: SshDoctorResult): string[] {
  const lines: string[] = [];
  const hostsDown = result.hosts.filter((h) => h.login !== 'ok');
  if (hostsDown.length > 0) lines.push('Logins from this machine that failed:', ...hostsDown.map((h) => `  ${h.label}: ${h.login === 'ok' ? '' : h.login.message}${h.inspected ? ` (inspected as ${h.inspectedAs ?? '?'})` : ''}`), '');
  if (result.before && result.beforeSummary) {
    lines.push(`Before --fix: ${count(result.beforeSummary)}`, ...table(result.before), ...details(result.before), '', 'Fixes:');
    lines.push(...result.fixes.map((f) => `  ${f.status === 'applied' ? 'applied' : 'FAILED '} ${f.cause} on ${f.host}: ${f.command}${f.message ? ` (${f.message})` : ''}`), '', `After --fix: ${count(result.summary)}`);
  } else {
    lines.push(`SSH mutual trust (${result.hostFile}): ${count(result.summary)}`);
  }
  lines.push(...table(result.pairs), ...details(result.pairs));
  return lines;
}
