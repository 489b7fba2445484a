// The real driver's public face: the driver, and every command it will run (`cloudseed plan`).
export { createRealDriver, type RealDriverOptions } from './driver.js';
export { commandsFor, toolCommands, type PlannedCommand, type ToolCommand } from './commands.js';
