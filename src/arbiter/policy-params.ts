// The restart policy's parameters, read from the resolved configuration.
import type { Config } from '../config/registry.js';
import type { PolicyParams } from './policy/index.js';

export function policyParams(config: Config): PolicyParams {
  return {
    workers: config.workers,
    waitForNewWorkers: config.wait_for_new_workers,
    maxRestartingWorkers: config.max_restarting_workers,
    maxRequests: config.max_requests,
    maxRequestsJitter: config.max_requests_jitter,
    timeout: config.timeout,
    warmupTimeout: config.warmup_timeout,
    gracefulTimeout: config.graceful_timeout,
    maxWorkerMemory: config.max_worker_memory,
  };
}
