/**
 * Client configuration tarballs ("Only configuration files" client of a cluster), on this
 * machine. Used by the client refresh (issue #7); implemented in `src/adapters/client-config/`.
 */
export interface TarballInfo {
  bytes: number;
  /** Hex SHA-256 of the whole file. */
  sha256: string;
  /** The first `krb5.conf` found inside (nested `.tar` members included), when there is one. */
  krb5?: { member: string; text: string };
  /** The file parsed as a tar with at least one member. */
  tar: boolean;
  entries: number;
  /** The first member of the MRS client-configuration layout (a `*_ClientConfig*` path). */
  layoutMember?: string;
  /** The first member that would be written outside the extraction dir (absolute, `..`, a link out). */
  unsafeMember?: string;
}

export interface LocalClientFiles {
  /** Streams the file once: size, SHA-256 and the krb5.conf inside. Memory stays flat. */
  inspect(path: string): Promise<TarballInfo>;
  /** A new private directory for downloaded tarballs; `remove` deletes it. */
  makeTempDir(prefix: string): Promise<string>;
  remove(path: string): Promise<void>;
}

/**
 * The Manager's "Download Client → Only configuration files" (an ASSUMED endpoint, see
 * docs/assumptions.md "Client configuration download"). Logs in and out by itself.
 */
export interface ClientConfigDownloader {
  /** Where it downloads from, for messages (never with credentials). */
  readonly label: string;
  /** Writes the tarball to `localPath`. */
  download(localPath: string, options?: { signal?: AbortSignal }): Promise<{ bytes: number; fileName: string }>;
}
