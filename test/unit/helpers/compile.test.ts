import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileC, localIncludes } from '../../helpers/target.js';

test('compileC builds again when a header the source includes changes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'numascope-compile-'));
  try {
    const source = join(dir, 'main.c');
    const header = join(dir, 'value.h');
    writeFileSync(source, '#include <stdio.h>\n#include "value.h"\nint main(void) { printf("%d\\n", VALUE); return 0; }\n');
    assert.deepEqual(localIncludes(source), [header]);
    writeFileSync(header, '#define VALUE 1\n');
    const first = compileC(source, 'compile-test');
    writeFileSync(header, '#define VALUE 2\n');
    const second = compileC(source, 'compile-test');
    assert.notEqual(second, first);
    assert.deepEqual([execFileSync(first, { encoding: 'utf8' }), execFileSync(second, { encoding: 'utf8' })], ['1\n', '2\n']);
    rmSync(first);
    rmSync(second);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
