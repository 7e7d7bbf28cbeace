/** Exit codes of the management commands: 1 when the API or the network failed, 2 for misuse. */
export const exitCodes = { failure: 1, usage: 2 } as const;

/**
 * A failure the CLI reports as one `gatehouse: <message>` line on stderr. Messages never carry
 * the token: they are built from the API's answer, the URL and the arguments.
 */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** The command line itself is wrong (unknown flag, missing value, bad format): exit 2. */
export function usageError(message: string): CliError {
  return new CliError(message, exitCodes.usage);
}

/** The API refused or could not be reached: exit 1. */
export function failure(message: string): CliError {
  return new CliError(message, exitCodes.failure);
}
