// The logging callback the HTTP edge reports through, so it stays independent of the
// logger in src/log/. Hostile or broken clients are routine: they are logged at debug.

export type EdgeLogLevel = 'debug' | 'info' | 'warning';

export type EdgeLog = (level: EdgeLogLevel, msg: string, fields?: Readonly<Record<string, unknown>>) => void;

export const silentLog: EdgeLog = () => undefined;
