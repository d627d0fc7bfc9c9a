import type { Step } from '../engine.js';
import type { PrecheckState } from './context.js';
import { discover } from './steps/discover.js';
import { probeKdcs, reachManagers, readClocks } from './steps/network.js';
import { checkDefaultPasswords } from './steps/default-password.js';
import { checkRules } from './steps/rules.js';
import { checkGroups } from './steps/security-groups.js';

/**
 * What `precheck` does, in order. Read-only: nothing here writes to a cluster (`--fix` is a
 * separate, confirmed step in the command). Every step adds checks; none stops the run on a
 * finding — only on an error it cannot turn into one (cloud credentials refused, …).
 */
export const precheckSteps: readonly Step<PrecheckState>[] = [
  reachManagers, //  TCP to each Manager and CAS, from here
  discover, //       login; realm, KDCs, version, health (A ∥ B), as link does
  checkRules, //     realms, Kerberos mode, health, versions, peer limit, shared hosts, default passwords
  checkDefaultPasswords, // the KDCs still accept MRS's default cross-realm password? (kerberos.admin)
  probeKdcs, //      Kerberos probe to every KDC over UDP and TCP
  readClocks, //     Manager Date headers vs Kerberos' 5-minute skew
  checkGroups, //    security groups admit each other, for the real KDC ports
];
