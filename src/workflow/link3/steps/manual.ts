import { hasPhase, renderChecklist, type Checklist, type ChecklistPhase } from '../../../domain/mrs3/checklist.js';
import { CheckError } from '../../../errors/index.js';
import type { Step } from '../../engine.js';
import type { LinkState } from '../../link/context.js';
import { checklistOf, recordOf, recordUpdate } from '../checklists.js';
import { mrs3Changing, resumeCommand, roleOf } from '../roles.js';

const sidesFor = (s: LinkState, phase: ChecklistPhase) => mrs3Changing(s).filter((n) => hasPhase(roleOf(s, n), phase));

function manualRequired(s: LinkState, pending: { checklist: Checklist; lines: string[] }[]): CheckError {
  const resume = resumeCommand(s);
  const what = pending.map((p) => p.checklist.title).join('; ');
  return new CheckError('MANUAL_STEP_REQUIRED', `waiting for the console steps printed above (${what}); nothing more can be done without them`, {
    hint: `carry out the checklist in the Manager console, then run \`${resume}\` (it checks that the steps took effect before going on)`,
    details: { resume, checklists: pending.map((p) => ({ id: p.checklist.id, cluster: p.checklist.cluster, phase: p.checklist.phase, lines: p.lines })) },
  });
}

async function show(s: LinkState, checklist: Checklist, lines: string[]): Promise<void> {
  await s.deps.mrs3?.manual.show(checklist, lines);
  // Copied to the journal as printed: what was asked of the person, and when.
  await recordUpdate(s, checklist.id, (r) => ({ cluster: checklist.cluster, phase: checklist.phase, lines, shownAt: r?.shownAt ?? s.deps.clock.now().toISOString() }));
}

const confirmed = (s: LinkState, id: string, by: 'terminal' | 'resume') => recordUpdate(s, id, (r) => ({ ...(r as NonNullable<typeof r>), confirmedAt: s.deps.clock.now().toISOString(), confirmedBy: by }));

/**
 * One phase of the console checklists, side after side: on a terminal each is printed and the
 * person answers "done?"; without one every pending checklist is printed and the run stops with
 * exit 3 MANUAL_STEP_REQUIRED naming the exact `resume` command — running it is the person's
 * "done", which the next steps then check (never assumed).
 */
function manualStep(phase: ChecklistPhase, id: string, title: string): Step<LinkState> {
  return {
    id,
    title,
    skip: (s) => (sidesFor(s, phase).length === 0 ? 'no MRS 3.x side has a row to add' : undefined),
    async run(s) {
      const pending: { checklist: Checklist; lines: string[] }[] = [];
      const done: string[] = [];
      for (const name of sidesFor(s, phase)) {
        const checklist = checklistOf(s, name, phase);
        const lines = renderChecklist(checklist);
        const record = recordOf(s, checklist.id);
        if (s.request.dryRun) {
          await s.deps.mrs3?.manual.show(checklist, lines);
          continue;
        }
        if (record?.confirmedAt) {
          done.push(`${name}: done (${record.confirmedBy === 'resume' ? 'resume' : 'confirmed'} earlier)`);
          continue;
        }
        const ask = s.deps.mrs3?.manual.ask;
        if (ask) {
          await show(s, checklist, lines);
          if (!(await ask(checklist))) throw manualRequired(s, [{ checklist, lines }]);
          await confirmed(s, checklist.id, 'terminal');
          done.push(`${name}: done (confirmed on the terminal)`);
        } else if (record?.shownAt && s.request.resume) {
          await confirmed(s, checklist.id, 'resume');
          done.push(`${name}: reported done by resume`);
        } else {
          await show(s, checklist, lines);
          pending.push({ checklist, lines });
        }
      }
      if (s.request.dryRun) return { skipped: 'dry run: the checklist is shown, nothing is asked' };
      if (pending.length > 0) throw manualRequired(s, pending);
      return { message: done.join('; ') };
    },
  };
}

/** Before the script: (stop all clusters,) add the peer row in Peer Mutual Trust Domain, OK. */
export const consoleSteps = manualStep('console', 'console-steps', 'MRS 3.x console: add the peer in Domain and Mutual Trust (checklist)');

/** After the script: start all clusters (one-way: restart the configuration-expired instances). */
export const startClusters = manualStep('start', 'start-clusters', 'MRS 3.x console: start the clusters again (checklist)');
