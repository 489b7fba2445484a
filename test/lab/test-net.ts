// Inside a test: the first three octets of a loopback /24 that belongs to this run alone
// (see lab-net.ts). `third` keeps the test files of one run apart from each other.
import { inject } from 'vitest';

export function labNet(third: number): string {
  return `127.${inject('labOctet')}.${third}`;
}
