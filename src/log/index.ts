// The public surface of the log library: what the arbiter, the workers and custom
// logger_class modules import. Re-exports only.
export { Logger, type LoggerExtras } from './logger.js';
export { createLogger, loadLogConfig, loadLoggerClass, type LoggerClass } from './create-logger.js';
export { accessAtoms, formatAccessLine, formatAtoms, PLAIN_ATOMS, type AccessAtoms, type AccessRecord } from './access-format.js';
export { NO_METRICS, type Metrics } from './metrics.js';
export { FACILITIES, facilityNumber, parseSyslogAddr, type SyslogTarget } from './syslog-addr.js';
export { LEVELS, type Level, type LogSettings, type Who } from './types.js';
export { swappableLogger, type SwappableLogger } from './swappable-logger.js';
