import type { Step } from '../../engine.js';
import { eachHost, probeHost } from '../checks.js';
import type { DoctorState } from '../types.js';

/** On every host, plain `ssh` (batch mode, strict host keys, verbose) to every other host. */
export const probe: Step<DoctorState> = {
  id: 'probe',
  title: 'ssh from every host to every other host',
  async run(state) {
    await eachHost(state, (h, i) => probeHost(state, h, i));
    const ran = state.hosts.filter((h) => h.probes).length;
    return { message: `probes ran on ${ran} of ${state.hosts.length} hosts` };
  },
};
