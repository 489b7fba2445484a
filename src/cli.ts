// The sub-commands, in the order --help lists them. Areas add one line each: an import here
// and an entry in the array. The command line itself (flags, help, exit codes, the
// installer) is src/cli-core.ts, which loads this file only when a command is named or help
// is asked for, so the installer starts without parsing any command's code.
import type { Command } from './command.js';
import { commands as planCommands } from './plan/commands.js';
import { commands as deployCommands } from './deploy/commands.js';
import { commands as replaceCommands } from './deploy/replace.js';
import { commands as upgradeCommands } from './deploy/upgrade-command.js';
import { commands as rolesCommands } from './roles/commands.js';
import { commands as inventoryCommands } from './inventory/commands.js';
import { commands as networkCommands } from './network/commands.js';
import { commands as backupCommands } from './backup/commands.js';

/** Every sub-command, in the order --help lists them. Areas add one line each. */
export const commands: Command[] = [...planCommands, ...inventoryCommands, ...rolesCommands, ...networkCommands, ...deployCommands, ...replaceCommands, ...upgradeCommands, ...backupCommands];

export { runCli, uiOptionsFrom, VERSION, type CliHooks, type TuiOptions } from './cli-core.js';
