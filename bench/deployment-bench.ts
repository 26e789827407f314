/**
 * Deployment benchmark: the simulated wall time of 100 concurrent link Creates and of 100 Deletes
 * (test/simulation/deployment-simulation.ts: the shipped handler bundle against a stand-in that enforces
 * UpdateMediaStorageConfiguration's 10 TPS per account), beside the quota's floor: 100 calls at
 * 10 TPS = 10 s, under both readings of the quota: refused calls not counted against the window
 * (documented; target at most 1.5× the floor) and counted (strict; target: all succeed).
 * Spawned by bench/synth-bench.ts (`npx projen bench`); `npx ts-node -P test/tsconfig.json
 * bench/deployment-bench.ts` runs it alone. SIM_BUNDLE=<file> benchmarks another handler bundle.
 *
 * SIM_RUNS=<n> runs per cell (median; default 3). SIM_WORKERS=2,5 adds rows with the invocations
 * paced through that many concurrent executions, as a reserved concurrency would.
 * A benchmark, not a test: nothing here fails on a slow machine.
 */
import * as fs from 'fs';
import { FLEET, runSimulation, ScenarioResult, SHIPPED_BUNDLE } from '../test/simulation/deployment-simulation';
import { UPDATE_QUOTA } from '../test/simulation/kvs-stand-in';

const RUNS = Number(process.env.SIM_RUNS ?? 3);
const WORKERS = (process.env.SIM_WORKERS ?? '').split(',').filter(Boolean).map(Number);
const FLOOR_MS = (FLEET / UPDATE_QUOTA.account) * 1_000;
const BUNDLE = process.env.SIM_BUNDLE ?? SHIPPED_BUNDLE;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function deploymentBench(): Promise<void> {
  console.log();
  if (!fs.existsSync(BUNDLE)) {
    console.log(`Deployment simulation skipped: no handler bundle at ${BUNDLE}; run \`npx projen bundle\` first.`);
    return;
  }
  console.log(`Deployment simulation: ${FLEET} links against UpdateMediaStorageConfiguration's ${UPDATE_QUOTA.account} TPS per account ` +
    `(floor ${FLOOR_MS / 1000} s), ${RUNS} runs per cell (median)`);
  console.log();
  console.log('| scenario | quota reading | concurrent executions | wall time (median) | vs floor | SUCCESS (fewest) | ' +
    'KVS calls (Update / channel Describe / stream Describe / tag calls) | throttled |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  const scenarios = ['create-100', 'delete-100', 'create-100-refused-counted', 'delete-100-refused-counted'];
  for (const workers of [undefined, ...WORKERS]) {
    const runs: ScenarioResult[][] = [];
    for (let i = 0; i < RUNS; i++) {
      runs.push(await runSimulation({ scenarios, workers, bundle: BUNDLE }));
    }
    for (const name of scenarios) {
      const cells = runs.map(r => r.find(s => s.name === name)!);
      const wall = median(cells.map(c => c.wallMs));
      const last = cells[cells.length - 1];
      const calls = last.kvsCalls;
      console.log(`| ${name.replace('-refused-counted', '')} | ${last.refusedCounted ? 'strict: refused calls count' : 'documented: refused calls do not count'} | ` +
        `${workers ?? 'unlimited'} | ${(wall / 1000).toFixed(1)} s | ${(wall / FLOOR_MS).toFixed(2)}× | ` +
        `${Math.min(...cells.map(c => c.succeeded))}/${FLEET} | ` +
        `${calls.update} / ${calls.describe} / ${calls.mapped} / ${calls.tag + calls.untag + calls.listTags} | ${calls.throttled} |`);
    }
  }
}

if (require.main === module) {
  deploymentBench().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
