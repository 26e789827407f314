/**
 * The README read in ten minutes, with the guides beside it: its size, its table of contents,
 * links that resolve, every guide linked, no long stretch of prose, and facts (commands, names)
 * that exist. Facts, not sentences: rewording passes, a renamed task or construct does not.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { Construct } from 'constructs';
import * as lib from '../src';
import { DOC_PAGES, GUIDES, README, ROOT, anchors, linkResolves, page, relativeLinks, slug, withoutCode } from './util/readme';

/** The level-2 sections of a page: heading and body (code blocks included). */
function sections(text: string): Array<{ heading: string; body: string }> {
  // found where code is blanked (same offsets), cut from the page itself
  const headings = [...withoutCode(text).matchAll(/^## (.+)$/gm)];
  return headings.map((m, i) => ({
    heading: m[1],
    body: text.slice(m.index! + m[0].length, headings[i + 1]?.index ?? text.length),
  }));
}

/** The longest run of lines of prose (not code, not a table row, not an image), blank lines and headings included. */
function longestProse(text: string): number {
  let longest = 0;
  let run = 0;
  let inCode = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) {
      inCode = !inCode;
      run = 0;
    } else if (inCode || line.startsWith('|') || line.startsWith('![')) {
      run = 0;
    } else {
      run++;
    }
    longest = Math.max(longest, run);
  }
  return longest;
}

describe('README: a short read', () => {
  test('is at most 25 KB', () => {
    expect(Buffer.byteLength(README, 'utf8')).toBeLessThanOrEqual(25 * 1024);
  });

  test('has a table of contents whose entries resolve to its headings, and list every section', () => {
    const contents = README.slice(README.indexOf('## Contents\n'), README.indexOf('\n## ', README.indexOf('## Contents\n') + 1));
    const entries = [...contents.matchAll(/^- \[[^\]]+\]\(#([^)]+)\)$/gm)].map(m => m[1]);
    expect(entries.length).toBeGreaterThanOrEqual(12);
    const headings = anchors(README);
    for (const entry of entries) {
      expect({ entry, resolves: headings.has(entry) }).toEqual({ entry, resolves: true });
    }
    const level2 = [...withoutCode(README).matchAll(/^## (.+)$/gm)].map(m => slug(m[1])).filter(a => a !== 'contents');
    expect(entries).toEqual(level2);
  });

  test('no stretch of prose longer than 30 lines without a code block or a table', () => {
    for (const { heading, body } of sections(README)) {
      expect({ heading, lines: longestProse(body) <= 30 }).toEqual({ heading, lines: true });
    }
    expect(longestProse('a\n'.repeat(30) + '```sh\nx\n```\n' + 'b\n'.repeat(5))).toBe(30); // the measure: a code block ends a run
  });

  test('each capability\'s section has a code sample or a table, and links its guide', () => {
    const byHeading = Object.fromEntries(sections(README).map(s => [s.heading, s.body]));
    const capabilities: Record<string, string> = {
      'A recorded camera (`WebRtcIngestion`)': 'docs/cameras.md',
      'Building blocks and imports': 'docs/cameras.md',
      'Grants and KMS keys': 'docs/cameras.md',
      'Metrics': 'docs/cameras.md',
      'Camera fleets': 'docs/fleets.md',
      'Devices': 'docs/devices.md',
      'Run-time cameras': 'docs/run-time-cameras.md',
      'Viewers': 'docs/viewers.md',
      'The live-view web app': 'docs/live-view-app.md',
      'Security and tags': 'docs/security-and-tags.md',
      'Rule packs (cdk-nag)': 'docs/rule-packs.md',
    };
    for (const [heading, guide] of Object.entries(capabilities)) {
      const body = byHeading[heading];
      expect({ heading, present: body !== undefined }).toEqual({ heading, present: true });
      expect({ heading, sample: /^```|^\| /m.test(body) }).toEqual({ heading, sample: true });
      expect({ heading, links: body.includes(`](${guide}`) }).toEqual({ heading, links: true });
    }
  });

  test('shows the live-view app\'s screenshot and links the API reference', () => {
    expect(README).toContain('](docs/images/live-view.png)');
    expect(README).toContain('](API.md)');
  });
});

describe('links', () => {
  test.each(DOC_PAGES)('every relative link of %s resolves (the file, and the heading of an #anchor)', (file) => {
    const broken = relativeLinks(file).filter(link => !linkResolves(link)).map(link => link.link);
    expect(broken).toEqual([]);
  });

  test('the check fails a missing file and a missing heading', () => {
    expect(linkResolves({ target: 'docs/no-such-guide.md' })).toBe(false);
    expect(linkResolves({ target: 'README.md', anchor: 'no-such-heading' })).toBe(false);
    expect(linkResolves({ target: 'README.md', anchor: 'getting-started' })).toBe(true);
  });

  test('every guide (docs/*.md, not docs/design/) is linked from the README, and links back', () => {
    expect(GUIDES.length).toBeGreaterThanOrEqual(8);
    const fromReadme = new Set(relativeLinks('README.md').map(link => link.target));
    for (const guide of GUIDES) {
      expect({ guide, linked: fromReadme.has(guide) }).toEqual({ guide, linked: true });
      expect({ guide, back: relativeLinks(guide).some(link => link.target === 'README.md') }).toEqual({ guide, back: true });
    }
  });

  test('the README links the design notes only through their folder: they are for maintainers', () => {
    const design = relativeLinks('README.md').filter(link => link.target.startsWith('docs/design'));
    expect(design.map(link => link.target)).toEqual(['docs/design']);
  });
});

describe('facts: what the README and the guides name exists', () => {
  const pages = ['README.md', ...GUIDES];

  test('every `npx projen <task>` is a projen task', () => {
    const tasks = Object.keys(JSON.parse(readFileSync(join(ROOT, '.projen', 'tasks.json'), 'utf8')).tasks);
    const named = new Set(pages.flatMap(file => [...page(file).matchAll(/npx projen ([\w:-]+)/g)].map(m => m[1])));
    expect(named.size).toBeGreaterThanOrEqual(5);
    for (const task of named) {
      expect({ task, exists: tasks.includes(task) }).toEqual({ task, exists: true });
    }
  });

  test('every name imported from the library is exported by src/index.ts, and the README names every construct', () => {
    const exported = Object.keys(lib);
    const imported = new Set(pages.flatMap(file => [...page(file).matchAll(/^import \{([^}]+)\} from 'cdk-kinesis-video-webrtc';$/gm)]
      .flatMap(m => m[1].split(',').map(name => name.trim()).filter(Boolean))));
    for (const name of imported) {
      expect({ name, exported: exported.includes(name) }).toEqual({ name, exported: true });
    }
    // the construct classes: what a reader builds with
    const constructs = exported.filter(name => (lib as any)[name]?.prototype instanceof Construct);
    expect(constructs).toEqual(expect.arrayContaining(['WebRtcIngestion', 'CameraFleet', 'DeviceIdentity', 'CameraOnboarding', 'ViewerIdentity', 'LiveViewApp']));
    for (const name of constructs) {
      expect({ name, named: README.includes(`\`${name}\``) }).toEqual({ name, named: true });
    }
  });

  test('the example app\'s stacks are each named in the README with their file, and no other', () => {
    const app = readFileSync(join(ROOT, 'example', 'app.ts'), 'utf8');
    const stacks = [...app.matchAll(/new \w+Stack\(app, '(\w+)'/g)].map(m => m[1]);
    expect(stacks).toEqual(['WebRtcIngestionExample', 'DoorbellsExample', 'HomeViewersExample']);
    const section = README.slice(README.indexOf('## The example app'), README.indexOf('\n## ', README.indexOf('## The example app') + 1));
    for (const stack of stacks) {
      expect(section).toMatch(new RegExp(`^\\| \`${stack}\` \\| \\[\`[\\w-]+\\.ts\`\\]\\(example/[\\w-]+\\.ts\\)`, 'm'));
    }
    const named = [...README.matchAll(/`(\w+Example)`/g)].map(m => m[1]);
    for (const name of named) {
      expect({ name, exists: stacks.includes(name) }).toEqual({ name, exists: true });
    }
  });

  test('the example stack the run-time cameras guide reads outputs from has those outputs', () => {
    const doorbells = readFileSync(join(ROOT, 'example', 'doorbell-stack.ts'), 'utf8');
    const outputs = [...doorbells.matchAll(/new CfnOutput\(this, '(\w+)'/g)].map(m => m[1]);
    for (const file of ['README.md', 'docs/run-time-cameras.md']) {
      for (const [, name] of page(file).matchAll(/\b(Onboarding\w+(?:Name|Url))\b/g)) {
        expect({ file, name, output: outputs.includes(name) }).toEqual({ file, name, output: true });
      }
    }
  });
});
