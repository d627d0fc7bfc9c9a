import type { Step } from '../../engine.js';
import { diagnoseAll } from '../checks.js';
import type { DoctorState } from '../types.js';

export const diagnose: Step<DoctorState> = {
  id: 'diagnose',
  title: 'name the cause for every pair that does not work',
  async run(state) {
    diagnoseAll(state);
    const bad = state.pairs.filter((p) => p.status !== 'ok').length;
    return { message: `${state.pairs.length - bad} of ${state.pairs.length} pairs work` };
  },
};
