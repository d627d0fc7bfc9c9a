import type { Checklist } from '../domain/mrs3/checklist.js';

/**
 * Where a console checklist goes: the CLI prints it (stderr, so `--json` stays one document) and,
 * on a terminal, asks "done?". The core never prints and never reads the terminal itself.
 */
export interface ManualStepHost {
  show(checklist: Checklist, lines: string[]): Promise<void>;
  /** On a terminal: "done?" — true when the person says the steps are done. Absent without a terminal. */
  ask?: (checklist: Checklist) => Promise<boolean>;
}
