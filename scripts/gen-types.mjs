#!/usr/bin/env node
// Writes packages/yibao/src/spec/types.generated.ts from the transaction catalogue (run `npm run gen:types`, which
// builds first). test/spec/types.test.ts fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { transactions } from '../packages/yibao/dist/esm/spec/index.js';
import { generateTypes } from '../packages/yibao/dist/esm/spec/typegen.js';

const file = fileURLToPath(new URL('../packages/yibao/src/spec/types.generated.ts', import.meta.url));
writeFileSync(file, generateTypes(transactions));
process.stdout.write(`wrote ${file}\n`);
