// The restart policy's parameters, read from the resolved configuration (and, for the pace of
// a reload, from the machine's available parallelism).
import { availableParallelism } from 'node:os';
import type { Config } from '../config/registry.js';
import type { PolicyParams } from './policy/index.js';

export function policyParams(config: Config): PolicyParams {
  return {
    workers: config.workers,
    waitForNewWorkers: config.wait_for_new_workers,
    maxRestartingWorkers: config.max_restarting_workers,
    reloadParallelism: reloadParallelism(availableParallelism()),
    maxRequests: config.max_requests,
    maxRequestsJitter: config.max_requests_jitter,
    timeout: config.timeout,
    warmupTimeout: config.warmup_timeout,
    gracefulTimeout: config.graceful_timeout,
    maxWorkerMemory: config.max_worker_memory,
  };
}

/**
 * How many replacements a reload boots at once when max_restarting_workers is 0: half the
 * cores, at least one. A booting worker takes a core for its start-up; booting one per core
 * starves the workers still serving, and raises latency for the whole reload.
 */
export function reloadParallelism(cores: number): number {
  return Math.max(1, Math.floor(cores / 2));
}
