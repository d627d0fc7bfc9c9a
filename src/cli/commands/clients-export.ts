import { resolve } from 'node:path';
import { clusterByName, loadConfig } from '../../config/load.js';
import { UsageError } from '../../errors/index.js';
import type { ClientExportResult } from '../../workflow/clients/export-schema.js';
import type { CliContext } from '../context.js';
import { withSandbox } from '../with-sandbox.js';
import { clientRefreshDeps, parseRefreshFlags, profileOf, type ClientsRefreshFlags } from './clients-refresh.js';

export interface ClientsExportFlags extends ClientsRefreshFlags {
  format?: string;
  out?: string;
}

/** `mrs-trust clients export A [B] --format ansible --out DIR`: see docs/clients.md. */
export async function run(ctx: CliContext, a: string, b: string | undefined, flags: ClientsExportFlags): Promise<void> {
  if (flags.format !== 'ansible') throw new UsageError('BAD_FLAG', `--format: ${flags.format === undefined ? 'missing' : `"${flags.format}" is not supported`}; the one format is ansible`, { hint: '--format ansible --out DIR' });
  if (!flags.out) throw new UsageError('BAD_FLAG', '--out: missing; the directory to write the inventory and playbook into', { hint: '--format ansible --out ./mrs-clients' });
  const out = resolve(ctx.cwd, flags.out);
  const parsed = parseRefreshFlags(ctx, flags);
  const names = [a, ...(b === undefined ? [] : [b])];
  await withSandbox(ctx, { enabled: Boolean(flags.sandbox), clusters: names }, async (configPath) => {
    const config = await loadConfig(configPath);
    const clusters = names.map((name) => ({ config: clusterByName(config, name), profile: profileOf(clusterByName(config, name), ctx) }));
    const deps = await clientRefreshDeps(ctx, config.stateDir);
    const { buildAnsibleExport } = await import('../../workflow/clients/export.js');
    const { writeAnsibleExport, PLAYBOOK } = await import('../../adapters/ansible/write.js');
    const exported = await buildAnsibleExport(deps, { clusters, ...parsed, signal: ctx.signal }, { emit: (event) => ctx.out.event(event) });
    try {
      const header = [`written by mrs-trust clients export ${names.join(' ')} --format ansible; no secrets (keys by path)`, `run: ansible-playbook -i inventory.yml ${PLAYBOOK}`];
      const files = await writeAnsibleExport(out, exported, header);
      for (const note of exported.notes) ctx.out.warn(note);
      const result: ClientExportResult = {
        format: 'ansible',
        out,
        files,
        hosts: exported.hosts.map((h) => ({ name: h.name, cluster: String(h.vars.mrs_cluster), host: String(h.vars.ansible_host), port: Number(h.vars.ansible_port), sources: (h.vars.mrs_sources as { cluster: string }[]).map((s) => s.cluster) })),
        notes: exported.notes,
        command: `ansible-playbook -i ${out}/inventory.yml ${out}/${PLAYBOOK}`,
      };
      ctx.out.result(result, () => [`Ansible export of ${result.hosts.length} client host${result.hosts.length === 1 ? '' : 's'} in ${out}`, ...files.map((f) => `  ${f}`), `run: ${result.command}`]);
    } finally {
      await exported.cleanup().catch(() => undefined);
    }
  });
}
