// Settings of the "Process Naming" section: the names shown by ps and top.
import { defineSetting } from '../setting.js';

export const procName = defineSetting<'proc_name', string | null>({
  name: 'proc_name',
  section: 'Process Naming',
  cli: ['-n', '--name'],
  meta: 'STRING',
  schema: { type: ['string', 'null'], minLength: 1 },
  default: null,
  defaultDoc: 'the value of `default_proc_name`',
  desc: `The name shown for the processes in \`ps\` and \`top\`.

Processes appear as \`gunicorn-ts: master [NAME]\` and \`gunicorn-ts: worker [NAME]\`. Set it to tell several instances apart.`,
});

export const defaultProcName = defineSetting<'default_proc_name', string>({
  name: 'default_proc_name',
  section: 'Process Naming',
  schema: { type: 'string', minLength: 1 },
  default: 'gunicorn-ts',
  desc: `The process name used when \`proc_name\` is unset.

An internal setting; the app module's name may replace it.`,
});

export const processNamingSettings = [procName, defaultProcName] as const;
