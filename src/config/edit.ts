import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { Document, isMap, isPair, isScalar, parseDocument, visit } from 'yaml';
import type { Secret } from '../domain/secret.js';
import { CheckError, UsageError } from '../errors/index.js';
import { parseConfig, type LoadedConfig } from './load.js';
import type { ClusterEntry } from './schema.js';

/**
 * Adding clusters to `clusters.yaml` from the wizard: the user's file is edited as a YAML
 * document (their comments and order stay), the result is re-validated by the same loader as
 * every command, and written atomically (write-file-atomic) only after the user agreed.
 */
export interface ConfigSource {
  path: string;
  /** The text as read; undefined when the file does not exist yet. */
  text: string | undefined;
  /** Validated; undefined when the file does not exist yet. */
  config: LoadedConfig | undefined;
}

/** Reads and validates the config file if present (a broken file stops here: exit 2, as for link). */
export async function readConfigSource(path: string): Promise<ConfigSource> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { path, text: undefined, config: undefined };
    throw new UsageError('CONFIG_NOT_FOUND', `${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
  }
  return { path, text, config: parseConfig(text, path) };
}

const SECRET_KEYS = new Set(['password', 'keyPassphrase', 'ak', 'sk', 'token']);

/** The config text with `entries` added under `clusters:`; secret references in flow style. */
export function addClusters(source: ConfigSource, entries: { name: string; entry: ClusterEntry }[]): { text: string; config: LoadedConfig } {
  const doc = source.text === undefined ? new Document({ version: 1, clusters: {} }) : parseDocument(source.text);
  for (const { name, entry } of entries) {
    if (doc.hasIn(['clusters', name])) throw new UsageError('CLUSTER_EXISTS', `clusters.${name} already exists in ${source.path}`);
    const node = doc.createNode(entry);
    // Only the new entries: the user's own formatting stays as it was.
    visit(node, {
      Pair(_, pair) {
        if (isPair(pair) && isScalar(pair.key) && SECRET_KEYS.has(String(pair.key.value)) && isMap(pair.value)) pair.value.flow = true;
      },
    });
    doc.setIn(['clusters', name], node);
  }
  const text = String(doc);
  // Same loader as every command: what the wizard writes, `link` will read.
  return { text, config: parseConfig(text, source.path) };
}

/** Writes the new config text, refusing if the file changed since it was read (someone else edited it). */
export async function saveConfigText(source: ConfigSource, text: string): Promise<void> {
  const now = await readConfigSource(source.path).then(
    (s) => s.text,
    () => undefined,
  );
  if (now !== source.text) {
    throw new CheckError('CONFIG_CHANGED', `${source.path} changed while the wizard was running; not overwritten`, { hint: 'run `mrs-trust wizard` again' });
  }
  await mkdir(dirname(source.path), { recursive: true });
  await writeFileAtomic(source.path, text);
}

/** Writes a secret to a file only its owner can read (directory 0700, file 0600), atomically. */
export async function writeSecretFile(path: string, secret: Secret): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, `${secret.reveal()}\n`, { mode: 0o600 });
}
