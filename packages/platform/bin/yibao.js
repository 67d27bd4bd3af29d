#!/usr/bin/env node
// Entry point of the `yibao` command. The TypeScript sources are compiled to dist/ by `npm install`
// (the `prepare` script); this file only loads the compiled CLI.
import { main } from '../dist/cli/main.js';

// Output piped into a reader that stops early (`| head`): stop quietly, as Unix tools do, rather
// than print Node's EPIPE stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    // main() turns every expected failure into a one-line message; this is the last guard.
    process.stderr.write(`yibao: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
