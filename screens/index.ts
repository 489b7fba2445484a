// The wizard's screens in order. Each issue adds its screen here: one import, one entry.
// Order: Welcome → This host → Servers → Network → Roles → Review → Deploy → Done.
import type { ScreenDef } from './types.js';
import { welcome } from './welcome.js';
import { host } from './host.js';
import { servers } from './servers.js';
import { network } from './network.js';
import { roles } from './roles.js';
import { review } from './review.js';
import { deploy } from './deploy.js';
import { done } from './done.js';

export const screens: ScreenDef[] = [
  welcome,
  host,
  servers,
  network,
  roles,
  review,
  deploy,
  done,
];
