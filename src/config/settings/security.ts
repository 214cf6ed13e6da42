// Settings of the "Security" section: limits on the size of what a client may send.
import { defineSetting } from '../setting.js';

export const limitRequestLine = defineSetting<'limit_request_line', number>({
  name: 'limit_request_line',
  section: 'Security',
  cli: ['--limit-request-line'],
  meta: 'INT',
  schema: { type: 'integer', minimum: 0, maximum: 8190 },
  default: 4094,
  desc: `The largest HTTP request line accepted, in bytes.

The request line holds the method, the full URI with its query string, and the protocol version, so this bounds URL length. From 0 (no limit) to 8190. A longer request line is refused with an error status and the connection closed.`,
});

export const limitRequestFields = defineSetting<'limit_request_fields', number>({
  name: 'limit_request_fields',
  section: 'Security',
  cli: ['--limit-request-fields'],
  meta: 'INT',
  schema: { type: 'integer', minimum: 1, maximum: 32768 },
  default: 100,
  desc: `The largest number of header fields accepted in one request.

Together with \`limit_request_field_size\` it bounds the memory a client can make a worker spend on headers. From 1 to 32768.`,
});

export const limitRequestFieldSize = defineSetting<'limit_request_field_size', number>({
  name: 'limit_request_field_size',
  section: 'Security',
  cli: ['--limit-request-field_size', '--limit-request-field-size'],
  meta: 'INT',
  schema: { type: 'integer', minimum: 0, maximum: 8190 },
  default: 8190,
  desc: `The largest size of one HTTP header field accepted, in bytes.

From 0 (no limit) to 8190. Gunicorn spells the flag \`--limit-request-field_size\`; \`--limit-request-field-size\` is accepted too.`,
});

export const securitySettings = [limitRequestLine, limitRequestFields, limitRequestFieldSize] as const;
