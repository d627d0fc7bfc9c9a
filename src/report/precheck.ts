import { Eta } from 'eta';
import { describeFix, type SgFinding } from '../domain/security-groups.js';
import type { PrecheckCheck, PrecheckResult } from '../workflow/precheck/result.js';
import { padRows } from './table.js';
import { packageFile } from '../package-root.js';

/** `templates/` ships with the package (package.json "files"). */
const TEMPLATES = packageFile('templates');

let text: Eta | undefined;
let html: Eta | undefined;
const engine = () => (text ??= new Eta({ views: TEMPLATES, autoEscape: false, autoTrim: false, cache: true }));
/** HTML: every `<%= %>` is escaped; the template holds all markup. */
const htmlEngine = () => (html ??= new Eta({ views: TEMPLATES, autoEscape: true, autoTrim: false, cache: true }));

export type PrecheckFormat = 'table' | 'md' | 'html';

const pad = padRows;

const mdCell = (t: string) => t.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const ORDER: Record<PrecheckCheck['status'], number> = { fail: 0, warn: 1, unknown: 2, pass: 3 };
const label = (c: PrecheckCheck) => `${c.name}${c.cluster ? ` (${c.cluster})` : ''}`;

/** What the templates see: the result plus pre-formatted pieces (the templates only lay them out). */
function view(result: PrecheckResult) {
  const sgCheck = result.checks.find((c) => c.name === 'security-groups' && c.findings);
  const findings = sgCheck?.findings ?? [];
  const failingGroups = findings.filter((f) => f.status !== 'pass');
  const sgTable = pad([['CLUSTER', 'GROUP', 'ADMITS', 'STATUS', 'SUMMARY'], ...findings.map((f) => [f.cluster, f.securityGroupId, f.peer, f.status.toUpperCase(), f.summary])]);
  const sgDetails = failingGroups.map((f: SgFinding) => ({ ...f, title: `${f.cluster} ${f.securityGroupId} ← ${f.peer}: ${f.status.toUpperCase()}`, fixLines: f.fix.map(describeFix) }));
  // Every check but the security groups' per-group detail, failing first.
  const checks = [...result.checks].map((c, i) => ({ c, i })).sort((x, y) => ORDER[x.c.status] - ORDER[y.c.status] || x.i - y.i).map(({ c }) => ({ ...c, label: label(c), found: c.found ?? [], fixSteps: c.fixSteps ?? [] }));
  const notPassing = checks.filter((c) => c.status !== 'pass' && c.name !== 'security-groups');
  const table = pad([['STATUS', 'CHECK', 'CLUSTER', 'FOUND'], ...checks.map((c) => [c.status.toUpperCase(), c.name, c.cluster ?? '—', c.found[0] ?? ''])]);
  const counts = result.counts ?? { pass: 0, warn: 0, fail: 0, unknown: 0 };
  const fix = result.fix && {
    ...result.fix,
    lines: result.fix.added.map((r) => `${describeFix(r)} (${r.cluster})${r.created ? ` → rule ${r.ruleId ?? '?'}` : ' already there'}`),
    created: result.fix.added.filter((r) => r.created).length,
  };
  const source = result.source === 'api' ? 'rules from the cloud API' : result.source === 'rules-file' ? 'rules from a rules file' : 'security groups not read';
  return {
    result, facts: result.facts ?? [], checks, notPassing, table, counts, source, fix, mdCell,
    sgCheck, findings, failingGroups, sgTable, sgDetails,
    verdict: result.ok ? 'PASS' : 'FAIL',
    summary: `${counts.fail} fail, ${counts.warn} warn, ${counts.unknown} unknown, ${counts.pass} pass${result.strict ? ' (--strict: warn and unknown fail too)' : ''}`,
    sgFixHint: !result.ok && failingGroups.some((f) => f.fix.length > 0),
  };
}

export function renderPrecheck(result: PrecheckResult, format: PrecheckFormat): string {
  if (format === 'html') return htmlEngine().render('./precheck.html.eta', view(result));
  return engine().render(format === 'md' ? './precheck.md.eta' : './precheck.table.eta', view(result));
}
