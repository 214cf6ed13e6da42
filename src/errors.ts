// The catalogue of user-facing errors. Each carries a stable code and a message written for
// an operator; the CLI prints the message (never a stack trace) and exits with `exitCode`.

export type ErrorCode =
  | 'GTS_ERR_CONFIG_INVALID'
  | 'GTS_ERR_CONFIG_FILE'
  | 'GTS_ERR_USAGE'
  | 'GTS_ERR_APP_LOAD'
  | 'GTS_ERR_APP_BOOT'
  | 'GTS_ERR_BIND'
  | 'GTS_ERR_STARTUP';

export class GunicornError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
    this.name = 'GunicornError';
  }
}

/** One problem with one setting, found while validating. */
export interface SettingProblem {
  readonly setting: string;
  readonly source: string;
  readonly value: unknown;
  readonly expected: string;
}

export function formatProblem(p: SettingProblem): string {
  const shown = typeof p.value === 'function' ? '[function]' : JSON.stringify(p.value) ?? String(p.value);
  return `${p.setting}: ${shown} from ${p.source}: ${p.expected}`;
}

export class ConfigError extends GunicornError {
  constructor(readonly problems: readonly SettingProblem[]) {
    const lines = problems.map((p) => `  ${formatProblem(p)}`);
    const noun = problems.length === 1 ? 'error' : 'errors';
    super('GTS_ERR_CONFIG_INVALID', `invalid configuration (${problems.length} ${noun}):\n${lines.join('\n')}`);
  }
}
