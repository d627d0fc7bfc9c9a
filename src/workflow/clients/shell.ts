/**
 * Remote commands of the client refresh, as text. POSIX `sh` only (client hosts are Linux with
 * coreutils); every path is single-quoted, so a path cannot inject a command.
 */
export function shQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** NOTE: MRS keeps the client's Kerberos configuration here (public MRS sample code and docs). */
export function clientKrb5Path(clientDir: string): string {
  return `${clientDir.replace(/\/+$/, '')}/KrbClient/kerberos/var/krb5kdc/krb5.conf`;
}

/** Written by mrs-trust after a successful refresh: one `<cluster> <sha256>` line per source. */
export function markerPath(clientDir: string): string {
  return `${clientDir.replace(/\/+$/, '')}/.mrs-trust-client-config`;
}

export const MARKER_SEPARATOR = '--- mrs-trust krb5.conf ---';

/** Prints the marker, a separator, then the client krb5.conf (either may be missing). */
export function readStateCommand(clientDir: string): string {
  return `cat ${shQuote(markerPath(clientDir))} 2>/dev/null; echo ${shQuote(MARKER_SEPARATOR)}; cat ${shQuote(clientKrb5Path(clientDir))} 2>/dev/null; exit 0`;
}

/**
 * One line: `MISSING`, `NOT_DIR`, `NOT_WRITABLE`, or `OK <available KiB>` from POSIX `df -Pk`.
 * NOTE: `test -w` is true for root on any read-write mount, so the upload itself can still
 * fail with a permission error; that is reported the same way.
 */
export function uploadDirCommand(dir: string): string {
  const d = shQuote(dir);
  return [
    `if [ ! -e ${d} ]; then echo MISSING`,
    `elif [ ! -d ${d} ]; then echo NOT_DIR`,
    `elif [ ! -w ${d} ]; then echo NOT_WRITABLE`,
    `else echo "OK $(df -Pk ${d} | awk 'NR==2 {print $4}')"; fi`,
  ].join('; ');
}

/** MRS 2.x: the uploaded tar itself is the second argument. */
export function refreshCommand(clientDir: string, configArg: string): string {
  return `cd ${shQuote(clientDir)} && sh refreshConfig.sh ${shQuote(clientDir)} ${shQuote(configArg)}`;
}

/**
 * MRS 3.x: extract the tar (and the `*_ClientConfig_ConfigFiles.tar` inside it, as the manual
 * does by hand) into `workDir`, then print the one `*_ClientConfig_ConfigFiles` directory.
 */
export function extractCommand(tarPath: string, workDir: string): string {
  const w = shQuote(workDir);
  return [
    `rm -rf ${w} && mkdir -p ${w} && cd ${w} && tar -xf ${shQuote(tarPath)}`,
    `for t in *_ClientConfig_ConfigFiles.tar; do if [ -f "$t" ]; then tar -xf "$t" || exit 1; fi; done`,
    `for d in *_ClientConfig_ConfigFiles; do if [ -d "$d" ]; then echo "$PWD/$d"; fi; done`,
  ].join(' && ');
}

export function writeMarkerCommand(clientDir: string, lines: string[]): string {
  const body = ['# written by mrs-trust after a successful client refresh', ...lines].map(shQuote).join(' ');
  return `printf '%s\\n' ${body} > ${shQuote(markerPath(clientDir))}`;
}

export function removeCommand(paths: string[]): string {
  return `rm -rf ${paths.map(shQuote).join(' ')}`;
}

/**
 * refreshConfig.sh prints `ReFresh components client config is complete.` and then this line
 * on success (MRS manual); exit status 0 without it is not a success.
 */
export const REFRESH_SUCCESS_LINE = 'Succeed to refresh components client config.';
