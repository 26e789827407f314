/**
 * Deployment benchmark: the simulated wall time of 100 concurrent link Creates and of 100 Deletes
 * (test/util/deployment-simulation.ts: the shipped handler bundle against a stand-in that enforces
 * UpdateMediaStorageConfiguration's 10 TPS per account), beside the quota's floor: 100 calls at
 * 10 TPS = 10 s. Target: at most 2× the floor. Spawned by bench/synth-bench.ts (`npx projen bench`).
 *
 * SIM_RUNS=<n> runs per cell (median; default 3). SIM_WORKERS=2,5 adds rows with the invocations
 * paced through that many concurrent executions, as a reserved concurrency would.
 * A benchmark, not a test: nothing here fails on a slow machine.
 */
import * as fs from 'fs';
import { FLEET, runSimulation, ScenarioResult, SHIPPED_BUNDLE } from '../test/util/deployment-simulation';
import { UPDATE_QUOTA } from '../test/util/kvs-stand-in';

const RUNS = Number(process.env.SIM_RUNS ?? 3);
const WORKERS = (process.env.SIM_WORKERS ?? '').split(',').filter(Boolean).map(Number);
const FLOOR_MS = (FLEET / UPDATE_QUOTA.account) * 1_000;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function deploymentBench(): Promise<void> {
  console.log();
  if (!fs.existsSync(SHIPPED_BUNDLE)) {
    console.log(`Deployment simulation skipped: no handler bundle at ${SHIPPED_BUNDLE}; run \`npx projen bundle\` first.`);
    return;
  }
  console.log(`Deployment simulation: ${FLEET} links against UpdateMediaStorageConfiguration's ${UPDATE_QUOTA.account} TPS per account ` +
    `(floor ${FLOOR_MS / 1000} s), ${RUNS} runs per cell (median)`);
  console.log();
  console.log('| scenario | concurrent executions | wall time (median) | vs floor | SUCCESS | ' +
    'KVS calls (Update / channel Describe / stream Describe) | throttled |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const workers of [undefined, ...WORKERS]) {
    const runs: ScenarioResult[][] = [];
    for (let i = 0; i < RUNS; i++) {
      runs.push(await runSimulation({ scenarios: ['create-100', 'delete-100'], workers }));
    }
    for (const name of ['create-100', 'delete-100']) {
      const cells = runs.map(r => r.find(s => s.name === name)!);
      const wall = median(cells.map(c => c.wallMs));
      const last = cells[cells.length - 1];
      console.log(`| ${name} | ${workers ?? 'unlimited'} | ${(wall / 1000).toFixed(1)} s | ${(wall / FLOOR_MS).toFixed(2)}× | ` +
        `${Math.min(...cells.map(c => c.succeeded))}/${FLEET} | ` +
        `${last.kvsCalls.update} / ${last.kvsCalls.describe} / ${last.kvsCalls.mapped} | ${last.kvsCalls.throttled} |`);
    }
  }
}

if (require.main === module) {
  deploymentBench().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
