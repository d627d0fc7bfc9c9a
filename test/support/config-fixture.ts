import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** A valid clusters.yaml as data; tests mutate copies of it. */
export function validConfig(): Record<string, any> {
  return {
    version: 1,
    clusters: {
      alpha: {
        type: 'analysis',
        manager: {
          url: 'https://192.0.2.10:28443',
          user: 'admin',
          password: { env: 'MRS_ALPHA_PASSWORD' },
          tls: { fingerprint: `sha256:${Array.from({ length: 32 }, () => 'AB').join(':')}` },
        },
        mrsVersion: '2.1.0',
        clients: [{ host: '192.0.2.21', key: './id_ed25519', hostKey: `SHA256:${'A'.repeat(43)}` }],
      },
      beta: {
        type: 'streaming',
        manager: { url: 'https://192.0.2.20:28443', user: 'admin', password: { file: './beta.pw' }, tls: { ca: './beta-ca.pem' } },
      },
    },
  };
}

/** Writes a config (object or raw text) plus the files it references into a fresh directory. */
export function writeConfigDir(config: unknown, options: { files?: Record<string, string> } = {}): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mrs-trust-cfg-'));
  const files = options.files ?? { 'id_ed25519': 'key\n', 'beta.pw': 'secret\n', 'beta-ca.pem': 'pem\n' };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const path = join(dir, 'clusters.yaml');
  writeFileSync(path, typeof config === 'string' ? config : stringify(config));
  return { dir, path };
}
