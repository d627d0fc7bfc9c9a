import type { Step } from '../engine.js';
import { connect } from './steps/connect.js';
import { diagnose } from './steps/diagnose.js';
import { fix, recheck } from './steps/fix.js';
import { inspect } from './steps/inspect.js';
import { probe } from './steps/probe.js';
import type { DoctorState } from './types.js';

/**
 * What `ssh doctor` does, in order. Nothing is written before `fix`, and `fix` runs only with
 * --fix. Ids are stable: progress, `--json` and tests use them.
 */
export const sshDoctorSteps: readonly Step<DoctorState>[] = [
  connect, //   log into every host from this machine (trust user; --inspect-as too)
  inspect, //   account, modes, owners, SELinux, keys, sshd -T on every host reached
  probe, //     plain ssh from every host to every other (batch, strict host keys, -v)
  diagnose, //  the checked cause and exact fix for every pair that does not work
  fix, //       --fix: modes, owners, this tool's keys, host keys pinned by --host-keys
  recheck, //   --fix: the same checks again; before and after in the report
];
