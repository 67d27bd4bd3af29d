import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy that can freeze: while frozen it accepts connections and reads nothing onward in either
 * direction (bytes are held, not lost), as a database that stopped answering or a stalled network
 * looks to its clients. Unfrozen, it delivers what it held and carries on.
 */
export class FreezableProxy {
  private server!: Server;
  private frozen = false;
  private readonly sockets = new Set<Socket>();
  private readonly held: Array<() => void> = [];
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<this> {
    this.server = createServer((client) => {
      this.sockets.add(client);
      client.on('close', () => this.sockets.delete(client));
      client.on('error', () => client.destroy());
      const open = () => {
        if (client.destroyed) return;
        const upstream = connect(this.targetPort, this.targetHost);
        this.sockets.add(upstream);
        upstream.on('close', () => {
          this.sockets.delete(upstream);
          client.destroy();
        });
        upstream.on('error', () => upstream.destroy());
        client.on('close', () => upstream.destroy());
        this.forward(client, upstream);
        this.forward(upstream, client);
      };
      if (this.frozen) this.held.push(open);
      else open();
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  private forward(from: Socket, to: Socket): void {
    from.on('data', (chunk: Buffer) => {
      const send = () => {
        if (!to.destroyed) to.write(chunk);
      };
      if (this.frozen) this.held.push(send);
      else send();
    });
  }

  /** `postgres://…@host:port/db` rewritten to go through the proxy. */
  url(databaseUrl: string): string {
    const u = new URL(databaseUrl);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  freeze(): void {
    this.frozen = true;
  }

  thaw(): void {
    this.frozen = false;
    for (const f of this.held.splice(0)) f();
  }

  async close(): Promise<void> {
    this.thaw();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
