import { type Config, loadConfig } from '@fanout/contracts';

export type { Config };

/** Nest injection token for the validated, frozen config. */
export const CONFIG = Symbol('CONFIG');

/** Read and validate the environment once; throws ConfigError naming every bad variable. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  return Object.freeze(loadConfig(env));
}
