import type { Step } from '../../engine.js';
import { eachHost, inspectHost } from '../checks.js';
import type { DoctorState } from '../types.js';

/** Reads account, modes, owners, SELinux labels, keys and sshd's configuration on every host reached. */
export const inspect: Step<DoctorState> = {
  id: 'inspect',
  title: 'inspect accounts, ~/.ssh, keys and sshd on every host',
  async run(state) {
    await eachHost(state, (h) => inspectHost(state, h));
    const done = state.hosts.filter((h) => h.facts).length;
    return { message: `${done} of ${state.hosts.length} inspected` };
  },
};
