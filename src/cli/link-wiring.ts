import { randomUUID } from 'node:crypto';
import { readsNodes, type ClusterConfig, type LoadedConfig } from '../config/load.js';
import type { Plan, PlanAction } from '../domain/plan.js';
import type { Cloud } from '../ports/cloud.js';
import type { EventSink } from '../ports/events.js';
import type { Manager } from '../ports/manager.js';
import type { LinkCluster, LinkDeps, Mrs3Deps } from '../workflow/link/context.js';
import type { OmNodes } from '../ports/om-node.js';
import { procedureOf } from '../domain/mrs3/procedure.js';
import { cloudFacts } from './cloud-facts.js';
import { networkPrecheck } from '../workflow/precheck/for-link.js';
import { removeRules } from '../workflow/precheck/rollback.js';
import { ticketTester, type TicketSide } from '../adapters/ssh/ticket-tester.js';
import { resolveSecret } from '../config/secrets.js';
import type { TicketTester } from '../ports/ticket.js';
import type { VerificationStore } from '../ports/state.js';
import type { CliContext } from './context.js';
import { kdcAdmins } from './kdc-admin-wiring.js';

/** Each TCP connect and KDC probe of link's pre-check (precheck --probe-timeout defaults to the same). */
const PROBE_TIMEOUT_MS = 3000;

export function linkCluster(c: ClusterConfig): LinkCluster {
  return { name: c.name, type: c.type, managerUrl: c.manager.url, ...(c.mrsVersion ? { mrsVersion: c.mrsVersion } : {}), ...(c.peerLimit ? { peerLimit: c.peerLimit } : {}), ...(c.manager.peerRealmsEncoding === 'confirmed' ? { peerEncodingConfirmed: true } : {}), clientHosts: (c.clients ?? []).map((h) => h.host) };
}

/** rollback: deletes journaled security-group rules through the cloud API of each cluster that has `cloud`. */
async function ruleRemover(ctx: CliContext, clusters: ClusterConfig[]): Promise<LinkDeps['removeRules']> {
  const withCloud = clusters.filter((c) => c.cloud);
  if (withCloud.length === 0) return undefined;
  const clouds: Record<string, Cloud> = {};
  for (const c of withCloud) clouds[c.name] = await ctx.adapters.cloud(c, ctx.out);
  return (rules) => removeRules(clouds, rules);
}

/** `manager.discovery: krb5conf`: realm and KDCs from a node's client krb5.conf over SSH. */
export function kerberosFallback(ctx: CliContext, clusters: ClusterConfig[]): LinkDeps['kerberosFallback'] {
  const fromNodes = clusters.filter(readsNodes);
  if (fromNodes.length === 0) return undefined;
  return Object.fromEntries(fromNodes.map((c) => [c.name, () => ctx.adapters.kerberosFromNodes(c, { acceptNew: ctx.global.acceptNew, out: ctx.out })]));
}

/** verify-ticket: `verify` + the first client host of each cluster (the one refresh-clients just updated). */
export function ticket(ctx: CliContext, clusters: ClusterConfig[]): TicketTester {
  const side = (c: ClusterConfig): TicketSide | string => {
    const client = c.clients?.[0];
    if (!c.verify) return `not configured: clusters.${c.name}.verify is not set (sandbox: install the Debian package krb5-kdc)`;
    if (!client) return `clusters.${c.name}.clients is empty: kinit needs a client host`;
    const verify = c.verify;
    return {
      principal: verify.principal,
      service: verify.service,
      timeoutMs: verify.timeoutMs,
      clientDir: client.clientDir,
      password: () => resolveSecret(verify.password, `clusters.${c.name}.verify.password`, ctx.env),
      host: () => ctx.adapters.remoteHost(client, { field: `clusters.${c.name}.clients[0]`, acceptNew: ctx.global.acceptNew, out: ctx.out }),
    };
  };
  return ticketTester(Object.fromEntries(clusters.map((c) => [c.name, side(c)])));
}

/**
 * The ports every pair workflow reads through (link, verify, rotate): Managers, state (journal,
 * locks, clock, last verifications), krb5.conf discovery. No plug-ins.
 */
export async function baseDeps(ctx: CliContext, config: LoadedConfig, clusters: ClusterConfig[], events: EventSink, confirm: (plan: Plan) => Promise<boolean>): Promise<LinkDeps & { verifications: VerificationStore }> {
  const state = await ctx.adapters.state(config.stateDir);
  const managers: Record<string, Manager> = {};
  for (const c of clusters) managers[c.name] = await ctx.adapters.manager(c, ctx.out);
  const deps: LinkDeps & { verifications: VerificationStore } = {
    clusters: Object.fromEntries(clusters.map((c) => [c.name, linkCluster(c)])),
    managers,
    journal: state.journal,
    locks: state.locks,
    clock: state.clock,
    verifications: state.verifications,
    events,
    signal: ctx.signal,
    confirm,
    newRunId: randomUUID,
  };
  const fromCloud = cloudFacts(ctx, clusters);
  if (Object.keys(fromCloud).length > 0) deps.cloudFacts = fromCloud;
  const fallback = kerberosFallback(ctx, clusters);
  if (fallback) deps.kerberosFallback = fallback;
  return deps;
}

/** A 3.x cluster's management nodes (clusters.<name>.nodes) for restart-RealmConfig.sh; nothing connects until used. */
async function managementNodesOf(ctx: CliContext, c: ClusterConfig): Promise<OmNodes & { close(): Promise<void> }> {
  const { omNodes } = await import('../adapters/ssh/om-nodes.js');
  const logins = await Promise.all(
    (c.nodes ?? []).map(async (node, i) => {
      const field = `clusters.${c.name}.nodes[${i}]`;
      return { host: node.host, user: node.user, field, remote: await ctx.adapters.remoteHost(node, { field, acceptNew: ctx.global.acceptNew, out: ctx.out }) };
    }),
  );
  return omNodes(c.name, logins);
}

/** link on 3.x: the management nodes of every 3.x cluster, with the CLI's checklist host. */
async function mrs3Wiring(ctx: CliContext, clusters: ClusterConfig[], terminal: Omit<Mrs3Deps, 'nodes'>): Promise<Mrs3Deps | undefined> {
  const v3 = clusters.filter((c) => procedureOf(c.mrsVersion) === '3.x');
  if (v3.length === 0) return undefined;
  return { ...terminal, nodes: Object.fromEntries(await Promise.all(v3.map(async (c) => [c.name, await managementNodesOf(ctx, c)] as const))) };
}

/** What the command wants wired besides the clusters: the action, its sinks, and the optional parts. */
export interface LinkWiring {
  action: PlanAction;
  events: EventSink;
  confirm: (plan: Plan) => Promise<boolean>;
  clients?: { tarballs?: Record<string, string>; managerDownload?: boolean; skip?: boolean };
  mrs3?: Omit<Mrs3Deps, 'nodes'>;
  /** Log in to both Managers now: the run is about to start, and the CAS round trips overlap the rest of the wiring (discovery waits for the same login). */
  eagerLogin?: boolean;
}

/**
 * Wires the adapters into the ports the link workflow uses: Managers, state (journal, locks,
 * clock), and the optional plug-ins (pre-check, krb5.conf discovery, client refresh).
 */
export async function buildLinkDeps(ctx: CliContext, config: LoadedConfig, clusters: ClusterConfig[], how: LinkWiring): Promise<LinkDeps> {
  const deps: LinkDeps = await baseDeps(ctx, config, clusters, how.events, how.confirm);
  if (how.eagerLogin) for (const m of Object.values(deps.managers)) m.login().catch(() => undefined); // its error is discovery's to report
  try {
    return await wirePlugins(ctx, config, clusters, how, deps);
  } catch (error) {
    // The run never starts, so its `finally` never logs out: a session opened early is closed here.
    if (how.eagerLogin) await Promise.allSettled(Object.values(deps.managers).map((m) => m.logout()));
    throw error;
  }
}

/** The optional parts of buildLinkDeps: pre-check, client refresh, ticket test, kadmin, 3.x nodes, rule removal. */
async function wirePlugins(ctx: CliContext, config: LoadedConfig, clusters: ClusterConfig[], how: LinkWiring, deps: LinkDeps): Promise<LinkDeps> {
  // The network pre-check (Managers, KDC probe, clocks; security groups with cloud access), as `precheck` runs it.
  if (how.action === 'link') {
    const { buildPrecheckDeps } = await import('./precheck-wiring.js');
    const only = ['managers', 'kdcs', 'clock', ...(clusters.every((c) => c.cloud) ? (['security-groups'] as const) : [])] as const;
    deps.precheck = networkPrecheck({ ...(await buildPrecheckDeps(ctx, clusters, { only: [...only], timeoutMs: PROBE_TIMEOUT_MS, managers: deps.managers })), events: how.events });
  }
  // refresh-clients: every configured client host gets the new configuration (scenario 1 or 2).
  // Loaded only then: most of the client refresh (tarballs, SSH steps) is code a run without client hosts never needs.
  if (clusters.some((c) => (c.clients ?? []).length > 0) && !how.clients?.skip) {
    const [{ clientRefresher }, { clientRefreshDeps }] = await Promise.all([import('../workflow/clients/link-refresher.js'), import('./commands/clients-refresh.js')]);
    const options = { ...(how.clients?.tarballs ? { tarballs: how.clients.tarballs } : {}), ...(how.clients?.managerDownload ? { managerDownload: true } : {}) };
    deps.clients = clientRefresher(await clientRefreshDeps(ctx, config.stateDir), Object.fromEntries(clusters.map((c) => [c.name, c])), how.events, options);
  }
  if (how.action === 'link') {
    deps.ticket = ticket(ctx, clusters);
    deps.kdcAdmin = kdcAdmins(ctx, clusters);
  }
  if (how.action === 'link' && how.mrs3) deps.mrs3 = await mrs3Wiring(ctx, clusters, how.mrs3);
  const remover = how.action === 'rollback' ? await ruleRemover(ctx, clusters) : undefined;
  if (remover) deps.removeRules = remover;
  return deps;
}
