/**
 * Runs the four rule packs of cdk-nag 2 and of cdk-nag 3 over the consumer app (with the
 * feature flags of its cdk.json) and counts the findings per major, pack and owner: the
 * library (any resource inside a construct of cdk-kinesis-video-webrtc, or its link provider)
 * or the app. Fails if the library has any finding, or the app has any (the app acknowledges
 * its own, e.g. the fleet grants' wildcards as the README says), or if the packs did not run
 * (a canary stack, added here only, must be reported by every pack of both majors).
 *
 *   npx tsx nag/check.ts [summary.json]
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Aspects, Stack } from 'aws-cdk-lib/core';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as library from 'cdk-kinesis-video-webrtc';
import { IConstruct } from 'constructs';
import { buildApp } from '../bin/consumer';
import { PACKS, v2Packs, v3Packs } from '../lib/rule-packs';

interface Finding { major: 2 | 3; pack: string; rule: string; path: string; owner: 'library' | 'app' }

const context = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')).context;
const libraryClasses = Object.values(library).filter((x) => typeof x === 'function') as Array<new (...a: any[]) => unknown>;
const PROVIDER_ID = 'KinesisVideoMediaStorageLinkProvider';

function ownerOf(construct: IConstruct): 'library' | 'app' {
  for (let c: IConstruct | undefined = construct; c; c = c.node.scope) {
    if (c.node.id === PROVIDER_ID || libraryClasses.some((cls) => c instanceof cls)) return 'library';
  }
  return 'app';
}

function packOf(rule: string): string {
  const pack = PACKS.find((p) => rule.startsWith(`${p}-`));
  if (!pack) throw new Error(`a finding of an unexpected pack: ${rule}`);
  return pack;
}

/** A stack every pack reports on: a role with a wildcard inline policy. */
const CANARY = 'Canary';
function addCanary(app: App): void {
  const stack = new Stack(app, CANARY);
  new iam.Role(stack, 'Careless', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    inlinePolicies: { All: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })] }) },
  });
}

function byPath(app: App): Map<string, IConstruct> {
  return new Map(app.node.findAll().map((c) => [c.node.path, c] as [string, IConstruct]));
}

function runV2(): Finding[] {
  const app = new App({ context });
  for (const pack of v2Packs()) Aspects.of(app).add(pack);
  buildApp(app);
  addCanary(app);
  // From aws-cdk-lib 2.2xx, error annotations fail synthesis (ValidationFailed) after the
  // aspects have run: the findings are on the constructs either way.
  // Its report on stderr is the findings again: muted, they are counted below.
  const write = process.stderr.write;
  process.stderr.write = () => true;
  try {
    app.synth();
  } catch (e) {
    if (!/ValidationFailed|Validation failed/.test(String((e as Error).message ?? e))) throw e;
  } finally {
    process.stderr.write = write;
  }
  const findings: Finding[] = [];
  for (const c of app.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type !== 'aws:cdk:error' && entry.type !== 'aws:cdk:warning') continue;
      const rule = /^([A-Za-z0-9.]+-[A-Za-z0-9]+(?:\[[^\]]*\])?):/.exec(String(entry.data))?.[1];
      if (!rule || !PACKS.some((p) => rule.startsWith(`${p}-`))) continue;
      findings.push({ major: 2, pack: packOf(rule), rule, path: c.node.path, owner: ownerOf(c) });
    }
  }
  return findings;
}

function runV3(): Finding[] {
  const app = new App({ context });
  buildApp(app);
  addCanary(app);
  app.synth();
  const constructs = byPath(app);
  const findings: Finding[] = [];
  for (const pack of v3Packs()) {
    for (const v of pack.validateScope(app).violations) {
      for (const r of v.violatingResources) {
        const c = constructs.get(r.constructPath!);
        if (!c) throw new Error(`no construct at ${r.constructPath}`);
        findings.push({ major: 3, pack: packOf(v.ruleName), rule: v.ruleName, path: r.constructPath!, owner: ownerOf(c) });
      }
    }
  }
  return findings;
}

const all = [...runV2(), ...runV3()];
const isCanary = (x: Finding) => x.path.startsWith(`${CANARY}/`);
const findings = all.filter((x) => !isCanary(x));
const count = (f: (x: Finding) => boolean) => findings.filter(f).length;
console.log('nag: findings per major and pack (library / app)');
for (const major of [2, 3] as const) {
  const cells = PACKS.map((pack) => `${pack} ${count((x) => x.major === major && x.pack === pack && x.owner === 'library')}/${count((x) => x.major === major && x.pack === pack && x.owner === 'app')}`);
  console.log(`nag:   cdk-nag ${major}: ${cells.join(', ')}`);
}
if (process.argv[2]) fs.writeFileSync(process.argv[2], JSON.stringify(findings, null, 2));

const failures = findings.map((x) => `cdk-nag ${x.major} ${x.rule} on ${x.path} (${x.owner === 'library' ? 'the library\'s resource' : 'the app\'s acknowledgements miss it'})`);
for (const major of [2, 3]) {
  for (const pack of PACKS) {
    if (!all.some((x) => isCanary(x) && x.major === major && x.pack === pack)) {
      failures.push(`cdk-nag ${major} ${pack} reported nothing on the canary stack: did the pack run?`);
    }
  }
}
if (failures.length > 0) {
  for (const f of failures) console.error(`nag: FAILED: ${f}`);
  process.exit(1);
}
console.log('nag: OK: no finding on the library\'s resources (nor on the app\'s, which acknowledges its own) in either major; every pack reported the canary');
