import { chmod, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { AnsibleExport } from '../../workflow/clients/export.js';
import { packageFile } from '../../package-root.js';

/** `templates/ansible/` ships with the package (package.json "files"). */
const TEMPLATES = packageFile('templates', 'ansible');
export const PLAYBOOK = 'refresh-clients.yml';
const FILES = [PLAYBOOK, 'refresh-source.yml'];

/**
 * Writes an Ansible export into `dir`: `inventory.yml` (no secrets: keys by path), the playbook
 * and its included task file (verbatim from templates/ansible/), and the configuration tarballs
 * under `files/`. Files of an earlier export are replaced; nothing else in `dir` is touched.
 */
export async function writeAnsibleExport(dir: string, exported: AnsibleExport, header: string[]): Promise<string[]> {
  await mkdir(join(dir, 'files'), { recursive: true });
  const written: string[] = [];
  const inventory = {
    all: {
      children: {
        mrs_trust_clients: {
          hosts: Object.fromEntries(exported.hosts.map((h) => [h.name, h.vars])),
        },
      },
    },
  };
  const comments = [...header, ...exported.notes.map((n) => `NOTE: ${n}`)].map((l) => `# ${l}`).join('\n');
  await writeFile(join(dir, 'inventory.yml'), `${comments}\n${stringify(inventory, { lineWidth: 0 })}`, { mode: 0o644 });
  written.push('inventory.yml');
  for (const name of FILES) {
    await writeFile(join(dir, name), await readFile(join(TEMPLATES, name), 'utf8'), { mode: 0o644 });
    written.push(name);
  }
  for (const f of exported.files) {
    const target = join(dir, 'files', f.name);
    await copyFile(f.from, target);
    // The configuration holds the cluster's client settings: readable by the owner only.
    await chmod(target, 0o600);
    written.push(`files/${f.name}`);
  }
  return written;
}
