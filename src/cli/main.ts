import { Command, CommanderError } from 'commander';
import { registerCryptoCommands } from './commands/crypto.js';
import { registerEnvelopeCommands } from './commands/envelope.js';
import { registerServeCommand } from './commands/serve.js';
import { registerToolkitCommands } from './commands/toolkit.js';
import { registerOperatorCommands } from './commands/operator.js';
import { registerStatementCommands } from './commands/statements.js';
import { describeError, processIo, type Io } from './io.js';

export function buildProgram(io: Io, setExit: (code: number) => void, keepAlive: (p: Promise<void>) => void = () => {}): Command {
  const program = new Command();
  program
    .name('yibao')
    .description('yibao 医保移动支付 — 平台沙箱与协议工具 / platform sandbox and protocol tools')
    .exitOverride()
    .showHelpAfterError(false)
    .configureOutput({ writeErr: (s) => io.err(s.trimEnd()), writeOut: (s) => io.out(s.trimEnd()) });
  registerCryptoCommands(program, io, setExit);
  registerEnvelopeCommands(program, io);
  registerServeCommand(program, io, keepAlive);
  registerToolkitCommands(program, io, setExit, keepAlive);
  registerOperatorCommands(program, io);
  registerStatementCommands(program, io, setExit);
  // Subcommands inherit exitOverride/output so that their usage errors also come back here.
  for (const cmd of program.commands) {
    cmd.exitOverride().configureOutput(program.configureOutput());
    for (const sub of cmd.commands) sub.exitOverride().configureOutput(program.configureOutput());
  }
  return program;
}

/** Runs the `yibao` command and resolves to its exit code. Expected failures never throw. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let exitCode = 0;
  let alive: Promise<void> | undefined;
  const program = buildProgram(
    io,
    (code) => {
      exitCode = code;
    },
    (p) => {
      alive = p;
    },
  );
  if (argv.length === 0) {
    program.outputHelp();
    return 0;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    if (alive) await alive; // `serve` runs until SIGINT/SIGTERM
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; usage errors were already printed by commander, as one line.
      return err.exitCode === 0 ? 0 : 2;
    }
    io.err(`yibao: ${describeError(err)}`);
    return 2;
  }
}
