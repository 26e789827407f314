/**
 * What the README promises users, and what it leaves to CONTRIBUTING.md, which stays out of the
 * npm package (and so out of Construct Hub).
 */
import { execFileSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { ACCESS_GROUP_TAG_KEY, FLEET_TAG_KEY, LINK_OWNER_TAG_KEY, LINK_SCOPE_TAG_KEY, ONBOARDING_TAG_KEY } from '../src/private/tags-and-quotas';

const ROOT = join(__dirname, '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('README', () => {
  test('opens with a maturity banner: experimental, before 1.0', () => {
    const firstLines = readme.split('\n').slice(0, 8).join('\n');
    expect(firstLines).toMatch(/\*\*Experimental, before 1\.0\.\*\*/);
    expect(firstLines).toContain('pin an exact version');
  });

  test('does not claim "never `*`, never a hand-built ARN", and names where wildcards are', () => {
    expect(readme).not.toContain('never `*`, never a hand-built ARN');
    expect(readme).toContain('Wildcards appear only where the resources cannot be known at');
    expect(readme).toContain('`Stack.formatArn`');
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

  test('states the thing-name rule of fleets with a prefix', () => {
    expect(readme).toContain('**Thing names are full resource names.**');
    expect(readme).toMatch(/its thing is `shop-front-door`/);
  });
});

describe('README: security', () => {
  // the keys as the library writes them: a renamed key fails here, not silently in users' SCPs
  const FLEET_TAG = FLEET_TAG_KEY;
  const STACK_TAG = LINK_SCOPE_TAG_KEY;
  const ACCESS_GROUP_TAG = ACCESS_GROUP_TAG_KEY;
  const ONBOARDING_TAG = ONBOARDING_TAG_KEY;
  const security = readme.slice(readme.indexOf('### Security: the tags the grants trust'), readme.indexOf('### Design notes'));

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
