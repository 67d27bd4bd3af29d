import { Command, CommanderError } from 'commander';

/** Runs the `yibao` command and resolves to its exit code. Expected failures never throw. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command();
  program
    .name('yibao')
    .description('yibao 医保移动支付工具 — platform sandbox and protocol tools')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    throw err;
  }
}
