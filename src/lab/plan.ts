// What a plan on a simulated lab carries beyond the servers a scan finds: the sim driver and
// the seed VM's image on the labs' mirror (the sim's curl fetches it, so the seed.image step
// runs as it would on hardware instead of having nothing to do).
import type { Plan } from '../plan/schema.js';

/** The seed VM's image on every lab's mirror. */
export const LAB_SEED_IMAGE = 'https://mirror.example.org/seed/centos-stream-9.qcow2';

/** `plan` on the simulated lab `name`: its sim settings kept, the seed VM image set unless named. */
export function onLab(plan: Plan, name: string): Plan {
  const sim = plan.sim;
  return {
    ...plan,
    driver: 'sim',
    sim: { lab: name, speed: sim?.speed ?? 60, seed: sim?.seed ?? 1, faults: sim?.faults ?? [] },
    seed: { ...plan.seed, vmImage: plan.seed.vmImage ?? LAB_SEED_IMAGE },
  };
}
