import type { CliContext } from '../context.js';
import { readState, runningPid, stateDirOf, type SandboxStateFile } from '../sandbox-files.js';

/** The 3.x console and realm-script state of one cluster. */
function mrs3Lines(m: NonNullable<SandboxStateFile['clusters'][number]['mrs3']>): string[] {
  const last = m.realmConfigRuns[m.realmConfigRuns.length - 1];
  return [
    `  console   saved peers ${m.console.peers.length === 0 ? 'none' : m.console.peers.map((p) => `${p.realm_name}=${p.ip_port}`).join('  ')}; clusters ${m.console.clustersRunning ? 'running' : 'stopped'}`,
    `  OMS       active ${m.activeNode}; restart-RealmConfig.sh ran ${m.realmConfigRuns.length} time(s)${last ? `, last ${last.at} on ${last.node}: ${last.ok ? 'ok' : 'failed'}${last.clustersRunning ? ' (clusters were running)' : ''}` : ''}`,
  ];
}

function human(state: SandboxStateFile, running: boolean): string[] {
  const lines = [`sandbox in ${state.stateDir}: ${running ? `running (pid ${state.pid})` : 'stopped'}, subnet ${state.subnet}, restarts take ${state.restartMs} ms`, `config: ${state.configPath}`];
  for (const c of state.clusters) {
    lines.push('', `${c.name}  ${c.realm}  ${c.version}${c.kerberos ? '' : ' (no Kerberos)'}  ${c.type}`);
    lines.push(`  Manager   ${c.manager.url} ${c.mrs3 ? '(MRS 3.x: HTTP Basic, no CAS)' : `(CAS ${c.manager.cas})`}`);
    lines.push(`  KDCs      ${c.kdcs.join(',') || '-'}`);
    lines.push(`  peers     ${c.peers.length === 0 ? 'none' : c.peers.map((p) => `${p.realm_name}=${p.ip_port}`).join('  ')}`);
    const bad = c.services.filter((s) => s.health !== 'GOOD');
    lines.push(`  services  ${bad.length === 0 ? 'all GOOD' : bad.map((s) => `${s.name} ${s.health}`).join(', ')}`);
    const failed = c.restarts.filter((r) => r.outcome === 'FAILED').length;
    if (c.mrs3) lines.push(...mrs3Lines(c.mrs3));
    lines.push(`  restarts  ${c.restartCount}${failed ? ` (${failed} failed)` : ''}; config version ${c.configVersion}, ${c.saves} save(s); sessions ${c.sessions.active} open, ${c.sessions.logins} login(s)`);
  }
  const plugins = Object.entries(state.plugins ?? {}).map(([name, p]) => {
    const hosts = (p as { hosts?: unknown[] }).hosts;
    return Array.isArray(hosts) ? `${name} (${hosts.length} hosts)` : name;
  });
  lines.push('', `plugins: ${plugins.length > 0 ? plugins.join(', ') : 'none (Managers only)'}`);
  return lines;
}

/** `sandbox status`: what state.json says, and whether the process still runs. */
export async function run(ctx: CliContext, flags: { stateDir?: string } = {}): Promise<void> {
  const dir = stateDirOf(ctx.cwd, flags.stateDir);
  const state = readState(dir);
  const running = runningPid(dir) !== undefined && state.running;
  ctx.out.result({ ok: true, ...state, running }, () => human(state, running));
}
