// The bundle's entry (dist/cloudseed.js): the command line, with the screens as its TUI.
// Only the command line's core is in this file; the TUI (Ink, React, the screens) and each
// sub-command are chunks loaded when used, so neither pays for parsing the other.
import { runCli } from '../src/cli-core.js';

process.exitCode = await runCli(process.argv.slice(2), { openTui: async (options) => (await import('./tui.js')).openTui(options) });
