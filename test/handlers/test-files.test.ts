/**
 * Every module of the Lambda handlers has its own unit test file: src/handlers/<path>.ts is tested
 * in test/handlers/<path>.test.ts (CONTRIBUTING.md, "Tests mirror src").
 */
import * as fs from 'fs';
import * as path from 'path';

const SRC = path.join(__dirname, '..', '..', 'src', 'handlers');

function modules(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return modules(full);
    }
    return entry.name.endsWith('.ts') ? [path.relative(SRC, full).replace(/\.ts$/, '')] : [];
  });
}

test('each module under src/handlers has test/handlers/<same path>.test.ts', () => {
  const found = modules(SRC);
  expect(found.length).toBeGreaterThan(10);
  expect(found.filter((module) => !fs.existsSync(path.join(__dirname, `${module}.test.ts`)))).toEqual([]);
});
