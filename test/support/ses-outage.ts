/**
 * An SES outage on demand: a loopback TCP relay in front of the run's SES emulator.
 * Up, it passes every connection through untouched; down, it refuses them the way a
 * stopped emulator would (the connection is reset at once), so the service's real SES
 * client fails as it would against an unreachable endpoint. The emulator itself, shared
 * by every test file, is never stopped.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface SesRelay {
  /** Point the service's SES endpoint here. */
  url: string;
  up(): void;
  down(): void;
  /** Connections refused while down. */
  refused: number;
  stop(): Promise<void>;
}

export async function startSesRelay(emulatorUrl: string): Promise<SesRelay> {
  const target = new URL(emulatorUrl);
  let isUp = true;
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (!isUp) {
      relay.refused += 1;
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(Number(target.port), target.hostname);
    open.add(client).add(upstream);
    const close = () => { client.destroy(); upstream.destroy(); open.delete(client); open.delete(upstream); };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const relay: SesRelay = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    refused: 0,
    up: () => { isUp = true; },
    down: () => {
      isUp = false;
      // Kept-alive connections die with the outage too.
      for (const s of open) s.destroy();
    },
    stop: () => new Promise<void>((resolve) => {
      for (const s of open) s.destroy();
      server.close(() => resolve());
    }),
  };
  return relay;
}
