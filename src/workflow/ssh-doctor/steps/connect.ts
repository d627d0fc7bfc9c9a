import type { Step } from '../../engine.js';
import { eachHost, failureOf } from '../checks.js';
import type { DoctorState } from '../types.js';

/**
 * Logs into every host from this machine as the trust user (and, with --inspect-as, as that
 * user too). A failed login is a finding, not the end of the run: the peers' probes still say
 * how that host looks from inside the set.
 */
export const connect: Step<DoctorState> = {
  id: 'connect',
  title: 'log into every host from this machine',
  async run(state) {
    const { io } = state.deps;
    const inspectAs = state.request.inspectAs;
    await eachHost(state, async (h) => {
      const e = h.entry;
      const pin = await io.pinned(e.host, e.port);
      if (pin) h.pin = pin;
      try {
        h.login = await io.login({ host: e.host, port: e.port, user: e.user, label: e.label });
      } catch (error) {
        h.loginError = failureOf(error);
      }
      if (inspectAs === undefined || inspectAs === e.user) return;
      try {
        h.admin = await io.login({ host: e.host, port: e.port, user: inspectAs, label: `${inspectAs}@${e.label.split('@').pop() ?? e.host}` });
      } catch (error) {
        h.adminError = failureOf(error);
      }
    });
    const failed = state.hosts.filter((h) => !h.login);
    return { message: `${state.hosts.length - failed.length} of ${state.hosts.length} logged in${failed.length ? `; not: ${failed.map((h) => `${h.entry.label} (${h.loginError?.code ?? '?'})`).join(', ')}` : ''}` };
  },
};
