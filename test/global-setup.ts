// Runs once before any test file: installs the Debian packages the real protocol peers need
// (one apt-get, never one per worker), and claims this run's loopback octet for lab BMCs.
import type { TestProject } from 'vitest/node';
import { ensurePackages } from './lab/ensure-packages.js';
import { claimLabOctet } from './lab/lab-net.js';

declare module 'vitest' {
  export interface ProvidedContext {
    labOctet: number;
  }
}

export default function setup(project: TestProject): () => void {
  ensurePackages();
  const { octet, release } = claimLabOctet();
  project.provide('labOctet', octet);
  return release;
}
