/**
 * The run-time onboarding bench (issue "cameras that come and go"): 100 things registered at
 * once, then deleted at once, against the shipped worker bundle and the loopback stand-ins of
 * test/simulation/onboarding-simulation.ts. Prints each wall time as a ratio to the quota floor: the
 * link (UpdateMediaStorageConfiguration) allows 10 calls per second per account, hard, and each
 * camera needs one to onboard and one to retire, so 100 cameras take at least 10 s each way.
 *
 *   npx projen bench   (after `npx projen bundle`)
 */
import { runOnboardingBench } from '../test/simulation/onboarding-simulation';

async function main(): Promise<void> {
  const r = await runOnboardingBench();
  const row = (what: string, done: number, seconds: number, floor: number) =>
    `| ${what} | ${done}/${r.cameras} | ${seconds.toFixed(1)} s | ${floor.toFixed(1)} s | ${(seconds / floor).toFixed(2)} |`;
  console.log('| run-time cameras | done | wall | quota floor | ratio |');
  console.log('| --- | --- | --- | --- | --- |');
  console.log(row('onboard (create, ACTIVE, link)', r.onboarded, r.onboardS, r.onboardFloorS));
  console.log(row('retire (unlink, delete channel)', r.retired, r.retireS, r.retireFloorS));
  if (r.problems.length > 0 || r.onboarded !== r.cameras || r.retired !== r.cameras) {
    console.error(`problems: ${JSON.stringify(r.problems)}`);
    process.exitCode = 1;
  }
}

void main();
