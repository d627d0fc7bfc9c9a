import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';
import { describeFix, type SgFinding } from '../domain/security-groups.js';
import type { PrecheckResult } from '../workflow/precheck/result.js';
import { padRows } from './table.js';

/** `templates/` ships with the package (package.json "files"); src/report and dist/report are both two levels down. */
const TEMPLATES = fileURLToPath(new URL('../../templates/', import.meta.url));

let eta: Eta | undefined;
const engine = () => (eta ??= new Eta({ views: TEMPLATES, autoEscape: false, autoTrim: false, cache: true }));

export type PrecheckFormat = 'table' | 'md';

const pad = padRows;

const mdCell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** What the templates see: the result plus pre-formatted pieces (the templates only lay them out). */
function view(result: PrecheckResult) {
  const check = result.checks[0];
  const findings = check?.findings ?? [];
  const failing = findings.filter((f) => f.status !== 'pass');
  const table = pad([['CLUSTER', 'GROUP', 'ADMITS', 'STATUS', 'SUMMARY'], ...findings.map((f) => [f.cluster, f.securityGroupId, f.peer, f.status.toUpperCase(), f.summary])]);
  const details = failing.map((f: SgFinding) => ({ ...f, title: `${f.cluster} ${f.securityGroupId} ← ${f.peer}: ${f.status.toUpperCase()}`, fixLines: f.fix.map(describeFix) }));
  const fix = result.fix && {
    ...result.fix,
    lines: result.fix.added.map((r) => `${describeFix(r)} (${r.cluster})${r.created ? ` → rule ${r.ruleId ?? '?'}` : ' already there'}`),
    created: result.fix.added.filter((r) => r.created).length,
  };
  return { result, check, findings, failing, table, details, fix, mdCell, verdict: result.ok ? 'PASS' : 'FAIL' };
}

export function renderPrecheck(result: PrecheckResult, format: PrecheckFormat): string {
  return engine().render(format === 'md' ? './precheck.md.eta' : './precheck.table.eta', view(result));
}
