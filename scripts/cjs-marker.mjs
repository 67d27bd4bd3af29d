// The CommonJS build of the toolkit lives in dist/cjs inside a package whose "type" is "module":
// a package.json there tells Node (and TypeScript) that the .js and .d.ts files below it are CommonJS.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
if (!dir) throw new Error('usage: cjs-marker.mjs DIR');
writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'commonjs' }) + '\n');
