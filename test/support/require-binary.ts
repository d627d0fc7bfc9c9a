import { execFileSync } from 'node:child_process';

/**
 * Real-daemon tests: in CI (CI=true) a missing binary is a failure; elsewhere the test is
 * skipped with a message naming the Debian package to install.
 */
export function requireBinary(binary: string, debianPackage: string): { available: boolean; reason: string } {
  let available = true;
  try {
    execFileSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' });
  } catch {
    available = false;
  }
  const reason = `${binary} not found: install the Debian package ${debianPackage}`;
  if (!available && process.env.CI === 'true') throw new Error(`${reason} (required in CI)`);
  if (!available) console.warn(`skipping: ${reason}`);
  return { available, reason };
}
