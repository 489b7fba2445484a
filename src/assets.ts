// Where assets/ lives, from the source tree (src/...) and from the bundle (dist/) alike.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The project folder: the nearest parent holding assets/ and package.json. */
export function projectRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'assets')) && existsSync(join(dir, 'package.json'))) return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the assets folder next to cloudseed');
    dir = up;
  }
}

export function assetPath(...parts: string[]): string {
  return join(projectRoot(), 'assets', ...parts);
}
