/**
 * Synthesis benchmark: 1, 10 and 100 cameras built with this library (camera by camera, and as a
 * CameraFleet) and by hand (L1 resources, an AwsCustomResource per link, statements per camera).
 * Prints a Markdown table. Run with `npx projen bench`; RUNS=<n> sets the runs per cell.
 *
 * A benchmark, not a test: nothing here fails on a slow machine. The limits are checked by
 * test/limits.test.ts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { deploymentBench } from './deployment-bench';
import { buildCameras, newApp, Scenario, SCENARIOS } from './util';
import { rolePolicySizes } from '../test/simulation/policy-size';

const COUNTS = [1, 10, 100];
const RUNS = Number(process.env.RUNS ?? 7);

interface Row {
  readonly scenario: Scenario;
  readonly count: number;
  readonly medianMs: number;
  readonly resources: number;
  readonly templateBytes: number;
  readonly largestInline: number;
  readonly largestManaged: number;
  readonly managedPolicies: number;
}

function synthOnce(scenario: Scenario, count: number) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvs-bench-'));
  try {
    const start = performance.now();
    const app = newApp(outdir);
    const stack = buildCameras(app, scenario, count);
    const assembly = app.synth();
    const elapsed = performance.now() - start;
    const artifact = assembly.getStackByName(stack.stackName);
    return {
      elapsed,
      template: artifact.template,
      templateBytes: fs.statSync(path.join(outdir, artifact.templateFile)).size,
    };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function measure(scenario: Scenario, count: number): Row {
  synthOnce(scenario, count); // warm-up: module loading and JIT
  const times: number[] = [];
  let last!: ReturnType<typeof synthOnce>;
  for (let i = 0; i < RUNS; i++) {
    last = synthOnce(scenario, count);
    times.push(last.elapsed);
  }
  times.sort((a, b) => a - b);
  const sizes = Object.values(rolePolicySizes(last.template));
  const managed = sizes.flatMap(s => Object.values(s.managedChars));
  return {
    scenario,
    count,
    medianMs: times[Math.floor(times.length / 2)],
    resources: Object.keys(last.template.Resources).length,
    templateBytes: last.templateBytes,
    largestInline: Math.max(...sizes.map(s => s.inlineChars)),
    largestManaged: managed.length ? Math.max(...managed) : 0,
    managedPolicies: Math.max(...sizes.map(s => Object.keys(s.managedChars).length)),
  };
}

const rows: Row[] = [];
for (const count of COUNTS) {
  for (const scenario of SCENARIOS) {
    rows.push(measure(scenario, count));
  }
}

const handWritten = (count: number) => rows.find(r => r.scenario === 'hand-written' && r.count === count)!;
console.log(`Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${RUNS} runs per cell (median), after one warm-up run`);
console.log();
console.log('| cameras | built with | synth (median) | vs hand-written | resources | template | largest inline policy of a role | largest managed policy | managed policies on a role |');
console.log('| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  const ratio = r.medianMs / handWritten(r.count).medianMs;
  console.log(`| ${r.count} | ${r.scenario} | ${r.medianMs.toFixed(0)} ms | ${ratio.toFixed(2)}× | ${r.resources} | ${(r.templateBytes / 1024).toFixed(0)} KiB | ` +
    `${r.largestInline.toLocaleString('en-US')} chars | ${r.largestManaged.toLocaleString('en-US')} chars | ${r.managedPolicies} |`);
}
console.log();
console.log('Policy sizes are IAM\'s count (no white space) with every reference at its longest plausible value. ' +
  'IAM allows 10,240 characters of inline policy per role, 6,144 per managed policy, 10 managed policies per role.');

// The deployment benchmark of the link handler (simulated wall time vs the quota's floor).
void deploymentBench().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
