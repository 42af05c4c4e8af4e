/** JSON Schemas shared by the routes (also the OpenAPI document's components). */

/** The registry's name rule: a letter or digit, then up to 127 of letters, digits, `.`, `_`, `-`. */
export const NAME = {
  type: 'string',
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$',
  description:
    'A model, alias or task name: a letter or digit, then up to 127 of letters, digits, ".", "_", "-"',
} as const;

export const VERSION = {
  type: 'string',
  pattern: '^[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]{1,64})?$',
  description: 'A semantic version, e.g. 1.2.0',
} as const;

export const STAGE = { type: 'string', enum: ['development', 'staging', 'production', 'archived'] } as const;

export const REASON = { type: 'string', maxLength: 2000 } as const;

export const NAME_PARAMS = {
  type: 'object',
  required: ['name'],
  properties: { name: NAME },
  additionalProperties: false,
} as const;

const STRING_MAP = { type: 'object', additionalProperties: { type: 'string' } } as const;
const NUMBER_MAP = { type: 'object', additionalProperties: { type: 'number' } } as const;

export const PROBLEM = {
  type: 'object',
  description: 'RFC 9457 problem details (application/problem+json)',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: {
      type: 'string',
      description: 'The ToolboxError code, e.g. INVALID_INPUT, REGISTRY_ERROR, UNAUTHORIZED',
    },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: { path: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
} as const;

/** Problem responses for every route, so they are documented and serialized alike. */
export const ERRORS = { '4xx': PROBLEM, '5xx': PROBLEM } as const;

export const VERSION_INFO = {
  type: 'object',
  properties: {
    model: { type: 'string' },
    version: { type: 'string' },
    stage: STAGE,
    stageUpdatedAt: { type: 'number' },
    artifact: {
      type: 'object',
      properties: {
        sha256: { type: 'string' },
        sizeBytes: { type: 'integer' },
        mediaType: { type: 'string' },
      },
    },
    description: { type: 'string' },
    params: STRING_MAP,
    metrics: NUMBER_MAP,
    tags: STRING_MAP,
    aliases: { type: 'array', items: { type: 'string' } },
    source: { type: 'string' },
    codeVersion: { type: 'string' },
    runId: { type: 'string' },
    parent: { type: 'object', properties: { name: { type: 'string' }, version: { type: 'string' } } },
    datasetHash: { type: 'string' },
    createdAt: { type: 'number' },
  },
} as const;

export const MODEL_INFO = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    description: { type: 'string' },
    tags: STRING_MAP,
    aliases: STRING_MAP,
    latestVersion: { type: 'string' },
    versionCount: { type: 'integer' },
    createdAt: { type: 'number' },
    updatedAt: { type: 'number' },
  },
} as const;

/** Security requirement of the routes that need a bearer token. */
export const BEARER = [{ bearer: [] }];
