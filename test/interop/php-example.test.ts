import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { VECTOR_DIR } from '../helpers/vectors.js';

/** examples/php/signstring.php (docs/integrators.md) builds the vectors' sign strings byte-exact. */
const hasPhp = spawnSync('php', ['-v'], { encoding: 'utf8' }).status === 0;
if (!hasPhp) console.warn('examples/php: skipped, php not installed (apt-get install -y php-cli)');

describe.skipIf(!hasPhp)('examples/php', () => {
  it('signstring.php reproduces the sign-string vectors', () => {
    const r = spawnSync('php', [join(ROOT, 'examples', 'php', 'signstring.php'), join(VECTOR_DIR, 'mobile-sign-string.json'), join(VECTOR_DIR, 'mobile-sign-string-scalar-style.json')], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toBe('ok mobile-sign-string.json\nok mobile-sign-string-scalar-style.json\n');
  });
});
