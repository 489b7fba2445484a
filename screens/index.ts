// The wizard's screens in order. Each issue adds its screen here with ONE line.
// Order: Welcome → This host → Servers → Network → Roles → Review → Deploy → Done.
//
// Welcome is imported at once (it is the first frame); every other screen is loaded on use
// (a chunk of the bundle: start-up does not parse it), so register a screen like this:
//   lazyScreen('host', () => import('./host.js').then((m) => m.host)),
// The screen's own file is unchanged: it exports its ScreenDef (screens/types.ts) as before.
// A plain imported ScreenDef still works in this list (it is just not deferred).
import { lazyScreen, type ScreenEntry } from './lazy.js';
import { welcome } from './welcome.js';

export const screens: ScreenEntry[] = [
  welcome,
  lazyScreen('host', () => import('./host.js').then((m) => m.host)),
  lazyScreen('servers', () => import('./servers.js').then((m) => m.servers)),
  lazyScreen('network', () => import('./network.js').then((m) => m.network)),
  lazyScreen('roles', () => import('./roles.js').then((m) => m.roles)),
  lazyScreen('review', () => import('./review.js').then((m) => m.review)),
  lazyScreen('deploy', () => import('./deploy.js').then((m) => m.deploy)),
  lazyScreen('done', () => import('./done.js').then((m) => m.done)),
  // After the first deployment (screens/app.tsx routes them): Your cloud, and the change.
  lazyScreen('your-cloud', () => import('./your-cloud.js').then((m) => m.yourCloud)),
  lazyScreen('change', () => import('./your-cloud.js').then((m) => m.change)),
];
