// The bundle's entry (dist/cloudseed.js): the command line, with the screens as its TUI.
import { runCli } from '../src/cli.js';
import { openTui } from './tui.js';

process.exitCode = await runCli(process.argv.slice(2), { openTui });
