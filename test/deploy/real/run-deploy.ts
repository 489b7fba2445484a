// A deployment as a separate process (so a test can kill -9 it): reads a plan (JSON) and a
// state dir from argv, deploys with the real driver, exits 0 done / 1 failed.
import { readFileSync } from 'node:fs';
import { startDeploy } from '../../../src/deploy/session.js';
import { createRealDriver } from '../../../src/deploy/drivers/real/index.js';
import { PlanSchema } from '../../../src/plan/schema.js';

const [planFile, stateDir] = process.argv.slice(2);
const plan = PlanSchema.parse(JSON.parse(readFileSync(planFile, 'utf8')));
const session = await startDeploy({ plan, stateDir, onFailure: 'abort', driver: createRealDriver({ yes: true, stateDir }) });
const state = await session.result;
process.exit(state === 'done' ? 0 : 1);
