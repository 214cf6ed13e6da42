// The environment layer: the variables Gunicorn honours besides GUNICORN_CMD_ARGS.
// WEB_CONCURRENCY sets workers; FORWARDED_ALLOW_IPS forwarded_allow_ips; PORT binds all interfaces on that port (any explicit bind wins,
// being a higher layer).

export function environmentValues(env: NodeJS.ProcessEnv): Map<string, { value: unknown; variable: string }> {
  const values = new Map<string, { value: unknown; variable: string }>();
  if (env['WEB_CONCURRENCY'] !== undefined && env['WEB_CONCURRENCY'] !== '') {
    values.set('workers', { value: env['WEB_CONCURRENCY'], variable: 'WEB_CONCURRENCY' });
  }
  if (env['FORWARDED_ALLOW_IPS'] !== undefined && env['FORWARDED_ALLOW_IPS'] !== '') {
    values.set('forwarded_allow_ips', { value: env['FORWARDED_ALLOW_IPS'], variable: 'FORWARDED_ALLOW_IPS' });
  }
  if (env['PORT'] !== undefined && env['PORT'] !== '') {
    values.set('bind', { value: [`0.0.0.0:${env['PORT']}`], variable: 'PORT' });
  }
  return values;
}
