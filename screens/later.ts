// What the shell and Welcome use only after the first frame: the plan schema (zod), the
// rules, answers files and labs (yaml), the state store (conf). One chunk, loaded by
// screens/lazy.ts in the background once Welcome is drawn; parsing it before the first
// frame made start-up ~1.6x a bare Ink app's (bench/startup).
export { emptyPlan } from '../src/plan/schema.js';
export { validate } from '../src/plan/validate.js';
export { loadAnswers } from '../src/plan/answers.js';
export { loadLab } from '../src/lab/load.js';
export { labPlan, openSessionStore } from './session.js';
