import type { Command } from 'commander';
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { CliError, type Io } from '../io.js';

/**
 * `yibao operator add|token`: console accounts from the command line — the first admin, before
 * anyone can log in (docs/console.md). Works on the platform's database: DATABASE_URL, or the PGlite
 * under --data (default ./.yibao; stop the server first, PGlite has one user at a time).
 */
export function registerOperatorCommands(program: Command, io: Io): void {
  const operator = program.command('operator').description('控制台操作员 / console operators (docs/console.md)');
  const withStore = async <T>(data: string | undefined, fn: (store: import('../../store/store.js').Store) => Promise<T>): Promise<T> => {
    const { openStore } = await import('../../store/index.js');
    const store = await openStore(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : { dataDir: join(resolve(data ?? '.yibao'), 'pgdata') });
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  };
  const actor = () => `cli:${(() => {
    try {
      return userInfo().username;
    } catch {
      return 'unknown';
    }
  })()}`;

  operator
    .command('add')
    .description('新增操作员 / add an operator (the first admin: --role admin)')
    .requiredOption('--name <name>', '登录名 / login name')
    .option('--role <role>', 'viewer | operator | admin', 'viewer')
    .option('--password-stdin', '从标准输入读取密码 / read the password from stdin (else one is generated and printed once)')
    .option('--reason <text>', '审计原因 / reason for the audit log', '命令行创建 / created from the command line')
    .option('--data <dir>', '数据目录 / data directory (PGlite; default ./.yibao)')
    .action(async (opts: { name: string; role: string; passwordStdin?: boolean; reason: string; data?: string }) => {
      const generated = !opts.passwordStdin;
      const password = generated ? randomBytes(15).toString('base64url') : io.readStdin().split(/\r?\n/)[0] ?? '';
      const { createOperator, OperatorError } = await import('../../center/operators.js');
      const { recordAudit } = await import('../../center/audit.js');
      await withStore(opts.data, async (store) => {
        try {
          await store.transaction(async (tx) => {
            await createOperator(tx, { name: opts.name, role: opts.role, password });
            await recordAudit(tx, { actor: actor(), action: 'operator.add', target: opts.name, reason: opts.reason, detail: { role: opts.role } });
          });
        } catch (err) {
          if (err instanceof OperatorError) throw new CliError(err.message);
          throw err;
        }
      });
      io.out(`已新增操作员 / operator added: ${opts.name} (${opts.role})`);
      if (generated) io.out(`初始密码（只显示这一次）/ initial password (shown once): ${password}`);
    });

  operator
    .command('token')
    .description('为操作员生成 API 令牌 / create an API token for /admin and /metrics')
    .requiredOption('--name <name>', '操作员 / operator')
    .requiredOption('--label <label>', '用途 / what it is for, e.g. prometheus')
    .option('--reason <text>', '审计原因 / reason for the audit log', '命令行创建 / created from the command line')
    .option('--data <dir>', '数据目录 / data directory (PGlite; default ./.yibao)')
    .action(async (opts: { name: string; label: string; reason: string; data?: string }) => {
      const { createApiToken } = await import('../../center/operators.js');
      const { recordAudit } = await import('../../center/audit.js');
      const token = await withStore(opts.data, async (store) =>
        store.transaction(async (tx) => {
          const [exists] = await tx.query('SELECT 1 FROM operators WHERE name = $1 AND NOT disabled', [opts.name]);
          if (!exists) throw new CliError(`操作员不存在或已停用 / no such operator: ${opts.name}`);
          const t = await createApiToken(tx, opts.name, opts.label);
          await recordAudit(tx, { actor: actor(), action: 'token.create', target: `${opts.name}#${t.id}`, reason: opts.reason, detail: { label: opts.label } });
          return t.token;
        }),
      );
      io.out(token);
    });
}
