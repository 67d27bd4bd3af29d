#!/usr/bin/env node
// Writes src/spec/types.generated.ts from the transaction catalogue (run `npm run gen:types`, which
// builds first). test/spec/types.test.ts fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { transactions } from '../dist/src/spec/index.js';
import { generateTypes } from '../dist/src/spec/typegen.js';

const file = fileURLToPath(new URL('../src/spec/types.generated.ts', import.meta.url));
writeFileSync(file, generateTypes(transactions));
process.stdout.write(`wrote ${file}\n`);
