/**
 * The dashboard process: Next.js behind our own small HTTP server (web-server.ts), which owns
 * the forwarding headers, the Host allowlist, the security headers and the request timeouts.
 * `node apps/web/dist/server/main.js` after `npm run build -w @fanout/web`; `npm start` runs it.
 */
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import next from 'next';
import { allowedHosts, ConfigError, loadConfig, machineIdentity } from '@fanout/contracts';
import { createWebServer } from './web-server';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const dir = join(__dirname, '..', '..');
  const app = next({ dev: false, dir, hostname: config.HOST, port: config.WEB_PORT });
  await app.prepare();
  const server = createWebServer({
    handle: app.getRequestHandler(),
    trustProxy: config.TRUST_PROXY,
    allowedHosts: allowedHosts(config.PUBLIC_HOSTS, machineIdentity({ hostname, networkInterfaces }), config.PUBLIC_HOST),
    headersTimeoutMs: Math.round(config.HTTP_HEADERS_TIMEOUT_S * 1000),
    requestTimeoutMs: Math.round(config.HTTP_REQUEST_TIMEOUT_S * 1000),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.WEB_PORT, config.HOST, resolve);
  });
  console.log(`▲ Fanout dashboard on http://${config.HOST}:${config.WEB_PORT}`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // Long-lived event streams would hold close() open: end idle connections, then all.
    server.close(() => void app.close().finally(() => process.exit(0)));
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 2_000).unref();
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
