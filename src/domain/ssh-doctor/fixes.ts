import { shellQuote } from '../shell.js';
import type { FixAction } from './causes.js';

/**
 * The shell command that applies one safe fix on the host where its cause lives. Each command
 * checks before it acts, so applying it twice changes nothing the second time; none deletes a
 * file or touches a key line it did not write.
 */
export function fixCommand(action: FixAction, asRoot: boolean): string {
  switch (action.kind) {
    case 'chmod':
      return `chmod ${action.mode.toString(8)} -- ${shellQuote(action.path)}`;
    case 'chown':
      // The user's primary group: `user:` is chown's spelling for it.
      return `chown -- ${shellQuote(`${action.user}:`)} ${shellQuote(action.path)}`;
    case 'add-authorized-key': {
      const f = shellQuote(action.file);
      const line = shellQuote(action.line);
      const owner = shellQuote(`${action.user}:`);
      // A missing ~/.ssh or file is created with the modes StrictModes wants (and, as root, the user's ownership).
      const dir = `d=$(dirname ${f}); [ -d "$d" ] || { mkdir -m 700 -- "$d"${asRoot ? ` && chown -- ${owner} "$d"` : ''}; }; `;
      const create = asRoot ? `[ -e ${f} ] || { : > ${f} && chown -- ${owner} ${f} && chmod 600 ${f}; }; ` : `[ -e ${f} ] || { umask 077; : > ${f}; }; `;
      // A missing final newline is added first, so the new line never joins the last one.
      return `${dir}${create}grep -qxF -- ${line} ${f} || { if [ -s ${f} ] && [ -n "$(tail -c 1 ${f})" ]; then echo >> ${f}; fi; printf '%s\\n' ${line} >> ${f}; }`;
    }
    case 'replace-known-host': {
      const name = shellQuote(action.name);
      // ssh-keygen -R removes only the entries for this name and keeps known_hosts.old.
      return `kh="$HOME/.ssh/known_hosts"; ssh-keygen -R ${name} -f "$kh" >/dev/null 2>&1; if [ -s "$kh" ] && [ -n "$(tail -c 1 "$kh")" ]; then echo >> "$kh"; fi; printf '%s\\n' ${shellQuote(action.line)} >> "$kh"`;
    }
  }
}

/** Whether the fix needs root (an owner change) or only the user's own login. */
export function fixNeedsRoot(action: FixAction): boolean {
  return action.kind === 'chown';
}

/** Stable identity of a fix: the same action found by several pairs is applied once. */
export function fixKey(host: string, action: FixAction): string {
  return `${host} ${JSON.stringify(action)}`;
}
