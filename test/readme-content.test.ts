/**
 * What the README and its guides promise users, and what the README leaves to CONTRIBUTING.md,
 * which stays out of the npm package (and so out of Construct Hub).
 */
import { execFileSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { page } from './util/readme';
import { ACCESS_GROUP_TAG_KEY, FLEET_TAG_KEY, LINK_OWNER_TAG_KEY, LINK_SCOPE_TAG_KEY, ONBOARDING_TAG_KEY } from '../src/private/tags-and-quotas';

const ROOT = join(__dirname, '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('README', () => {
  test('opens with a maturity banner: experimental, before 1.0', () => {
    const firstLines = readme.split('\n').slice(0, 8).join('\n');
    expect(firstLines).toMatch(/\*\*Experimental, before 1\.0\.\*\*/);
    expect(firstLines).toContain('pin an exact version');
  });

  test('says where the experimental stability shows: the package declares it, API.md does not', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.stability).toBe('experimental');
    const banner = readme.slice(0, readme.indexOf('\n\n', readme.indexOf('> **Experimental')));
    expect(banner).toContain('`stability`');
    // API.md (jsii-docgen) prints no stability: the README must not send readers there for it
    expect(page('API.md')).not.toMatch(/experimental/i);
    expect(banner).toMatch(/API\.md\]\(API\.md\) does not show it/);
  });

  test('is honest about publishing: nothing is published, and the tarball is how to install today', () => {
    const install = readme.slice(readme.indexOf('## Install'), readme.indexOf('\n## ', readme.indexOf('## Install') + 1));
    expect(install).toContain('Nothing is published yet');
    for (const registry of ['npm', 'PyPI', 'Maven Central', 'NuGet', 'Construct Hub']) {
      expect(install).toContain(registry);
    }
    expect(install).toContain('npx projen package:js');
    expect(install).toMatch(/npm install \S*dist\/js\/cdk-kinesis-video-webrtc@0\.0\.0\.jsii\.tgz/);
    // no install command for a package that does not exist
    expect(install).not.toMatch(/^\| .* \| `(pip install|dotnet add package|go get) /m);
    expect(install).not.toContain('constructs.dev/packages');
  });

  test('keeps contributor material out: no development, release or integration test how-to', () => {
    for (const heading of ['## Development', '## Releases', '### Integration test', '## Quick start']) {
      expect(readme).not.toContain(`\n${heading}\n`);
    }
    expect(readme).not.toContain('integ:update');
    expect(readme).toContain('[CONTRIBUTING.md](CONTRIBUTING.md)');
  });

  test('gives the two set-up commands of a fresh clone: the main job, and the tests as .ci/run runs them', () => {
    expect(readme).toContain('```sh\nnpm ci && npx projen synth:example\n```');
    expect(readme).toContain('```sh\nnpm ci\nnpx projen test\n```');
    const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
    expect(ci).toMatch(/^npm ci\b/m);
    // `build` runs the `test` task
    expect(ci).toMatch(/^npx projen (build|test)\b/m);
  });

  test('states the thing-name rule of fleets with a prefix (README, and the fleets guide in full)', () => {
    expect(readme).toMatch(/thing name is its camera's full name, prefix included \(`shop-front-door`\)/);
    const fleets = page('docs/fleets.md');
    expect(fleets).toContain('**Thing names are full resource names.**');
    expect(fleets).toMatch(/its thing is `shop-front-door`/);
  });

  test('every `aws lambda invoke` with a JSON payload says --cli-binary-format raw-in-base64-out (AWS CLI v2)', () => {
    const pages = ['README.md', 'docs/run-time-cameras.md'];
    let invokes = 0;
    for (const file of pages) {
      // a command with its continuation lines
      for (const [command] of page(file).matchAll(/aws lambda invoke(?:[^\n]*\\\n)*[^\n]*/g)) {
        invokes++;
        if (command.includes('--payload')) {
          expect({ file, command }).toEqual({ file, command: expect.stringContaining('--cli-binary-format raw-in-base64-out') });
        }
      }
    }
    expect(invokes).toBeGreaterThanOrEqual(2);
  });
});

describe('security and tags (docs/security-and-tags.md, summed up in the README)', () => {
  // the keys as the library writes them: a renamed key fails here, not silently in users' SCPs
  const FLEET_TAG = FLEET_TAG_KEY;
  const STACK_TAG = LINK_SCOPE_TAG_KEY;
  const ACCESS_GROUP_TAG = ACCESS_GROUP_TAG_KEY;
  const ONBOARDING_TAG = ONBOARDING_TAG_KEY;
  const security = page('docs/security-and-tags.md');

  test('does not claim "never `*`, never a hand-built ARN", and names where wildcards are', () => {
    for (const text of [readme, security]) {
      expect(text).not.toContain('never `*`, never a hand-built ARN');
    }
    expect(security).toContain('Wildcards appear only where the resources cannot be known at');
    expect(security).toContain('`Stack.formatArn`');
  });

  test('the README\'s table names every tag key the library writes, and links the guide', () => {
    const section = readme.slice(readme.indexOf('## Security and tags'), readme.indexOf('\n## ', readme.indexOf('## Security and tags') + 1));
    for (const key of [FLEET_TAG, STACK_TAG, ONBOARDING_TAG, ACCESS_GROUP_TAG, LINK_OWNER_TAG_KEY]) {
      expect(section).toContain(`\`${key}\``);
    }
    expect(section).toContain('(docs/security-and-tags.md)');
  });

  test('names every tag the library\'s grants trust, and the actions that could defeat them', () => {
    for (const key of [FLEET_TAG, STACK_TAG, ONBOARDING_TAG, ACCESS_GROUP_TAG, LINK_OWNER_TAG_KEY]) {
      expect(security).toContain(`\`${key}\``);
    }
    for (const action of ['TagResource', 'TagStream', 'UntagResource', 'UntagStream']) {
      expect(security).toContain(`kinesisvideo:${action}`);
    }
  });

  test('its policy is valid JSON that denies writing the library\'s tag keys', () => {
    const json = /```json\n([\s\S]*?)```/.exec(security)?.[1];
    const policy = JSON.parse(json!);
    expect(policy.Statement).toHaveLength(1);
    expect(policy.Statement[0]).toMatchObject({ Effect: 'Deny' });
    // every tag key that decides access, and not the owner record, which the link providers write
    const keys = policy.Statement[0].Condition['ForAnyValue:StringEquals']['aws:TagKeys'];
    expect([...keys].sort()).toEqual([FLEET_TAG, ACCESS_GROUP_TAG, ONBOARDING_TAG, STACK_TAG].sort());
  });
});

describe('CONTRIBUTING.md', () => {
  test('holds the development, integration test and release sections', () => {
    const contributing = readFileSync(join(ROOT, 'CONTRIBUTING.md'), 'utf8');
    for (const heading of ['## Development', '## Integration test', '## Releases']) {
      expect(contributing).toContain(`\n${heading}\n`);
    }
  });

  test('is not in the npm package; README.md is', () => {
    expect(existsSync(join(ROOT, 'CONTRIBUTING.md'))).toBe(true);
    const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }));
    const files: string[] = pack.files.map((f: { path: string }) => f.path);
    expect(files).toContain('README.md');
    expect(files).not.toContain('CONTRIBUTING.md');
  });
});
