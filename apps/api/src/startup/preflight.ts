import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

/**
 * A start-up failure the operator can fix: the message says what is wrong and which setting to
 * change, on one line (main.ts prints it as is, even when logs are JSON).
 */
export class StartupError extends Error {
  override readonly name = 'StartupError';

  constructor(
    message: string,
    /** The configuration variable to change. */
    readonly setting: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** `SETTING PORT is already in use; set SETTING to a free port`, and the like for other listen errors. */
export function listenError(setting: string, port: number, host: string, error: unknown): StartupError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return new StartupError(`${setting} ${port} is already in use; set ${setting} to a free port`, setting, { cause: error });
  if (code === 'EACCES') return new StartupError(`${setting} ${port} needs privileges to listen on; set ${setting} to a port above 1023`, setting, { cause: error });
  if (code === 'EADDRNOTAVAIL') return new StartupError(`HOST ${host} is not an address of this machine, so ${setting} ${port} cannot be opened; set HOST`, 'HOST', { cause: error });
  const why = error instanceof Error ? error.message : String(error);
  return new StartupError(`${setting} ${port} cannot be opened on ${host} (${why}); set ${setting} to a free port`, setting, { cause: error });
}

/** Throws a {@link StartupError} naming `setting` unless `host:port` can be listened on right now. */
export function assertPortFree(setting: string, port: number, host = '127.0.0.1'): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (error) => reject(listenError(setting, port, host, error)));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolvePromise()));
  });
}

/** Throws a {@link StartupError} naming `setting` unless `dir` exists (or can be made) and takes a file. */
export async function assertWritableDir(setting: string, dir: string): Promise<void> {
  const path = resolve(dir);
  const probe = join(path, `.write-test-${process.pid}`);
  try {
    await mkdir(path, { recursive: true });
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new StartupError(`${setting} ${path} is not a writable folder (${code}); set ${setting} to a folder Fanout can write to`, setting, { cause: error });
  }
}

/** A connection string with its password replaced, safe to print. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** One line for any start-up failure: a StartupError as it is, anything else with its cause. */
export function describeStartupFailure(error: unknown): string {
  if (error instanceof StartupError) return error.message;
  if (error instanceof Error) return `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}`;
  return String(error);
}
