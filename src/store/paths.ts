// Where cloudseed keeps its state (the plan being edited, the session, journals) and logs.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The platform's config location: ~/.config/cloudseed, ~/Library/Preferences/cloudseed, %APPDATA%\cloudseed. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  if (platform === 'darwin') return join(home, 'Library', 'Preferences', 'cloudseed');
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'cloudseed', 'Config');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'cloudseed');
}

/** `--state-dir DIR` > `CLOUDSEED_STATE_DIR` > the platform's config location; always absolute. */
export function resolveStateDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return resolve(flag);
  if (env.CLOUDSEED_STATE_DIR) return resolve(env.CLOUDSEED_STATE_DIR);
  return defaultStateDir(env);
}

/** The log file: every run appends to it (secrets redacted); stack traces go only here. */
export function logFile(stateDir: string): string {
  return join(stateDir, 'logs', 'cloudseed.log');
}

/** The saved state (plan and session), written through conf by src/store/state.ts. */
export const STATE_FILE = 'config.json';

export function stateFile(stateDir: string): string {
  return join(stateDir, STATE_FILE);
}

/** The plan of the last finished deployment (src/store/deployed.ts): the installer opens on "Your cloud" when it is there. */
export const DEPLOYED_FILE = 'deployed.json';
