// Settings of the "Config File" section: where the configuration and the app come from.
import { defineSetting } from '../setting.js';

export const config = defineSetting<'config', string | null>({
  name: 'config',
  section: 'Config File',
  cli: ['-c', '--config'],
  meta: 'FILE',
  schema: { type: ['string', 'null'], minLength: 1 },
  default: null,
  cliOnly: true,
  defaultDoc: './gunicorn.conf.ts (or .mts, .js, .mjs, .cjs, .json) when present',
  desc: `The configuration file to load.

A TypeScript or JavaScript module (\`.ts\`, \`.mts\`, \`.js\`, \`.mjs\`, \`.cjs\`) or a \`.json\` file. Without this flag, \`./gunicorn.conf.ts\` is used when it exists, then the same name with the other extensions in that order. A file given here that does not exist is an error. This setting only has a meaning on the command line.`,
});

export const app = defineSetting<'app', string | null>({
  name: 'app',
  section: 'Config File',
  meta: 'APP_MODULE',
  schema: { type: ['string', 'null'], minLength: 1 },
  default: null,
  desc: `The application to serve, as \`MODULE[:NAME]\`, when the command line gives none.

This is the positional \`APP_MODULE\` argument written in a config file; the argument wins when both are given. \`MODULE\` is a file path (TypeScript works) or a package name, \`NAME\` an export of it, optionally called as a factory (\`createApp()\`). Gunicorn calls this setting \`wsgi_app\`.`,
});

export const configFileSettings = [config, app] as const;
