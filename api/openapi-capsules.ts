import { z } from 'zod';
import { CapsuleManifestSchema } from '../core/capsules/capsule-manifest.ts';
import { InstallBodySchema } from './routes/capsules.ts';
import { PolicyBodySchema } from './routes/policies.ts';
import { CAPSULE_NAME, SEMVER } from '../core/capsules/capsule-manifest.ts';
import { POLICY_NAME } from '../core/policies/model-policy.ts';
import { pathParam } from './openapi-path-param.ts';
import { responseJsonSchema } from './schemas/response-json-schema.ts';
import { PolicySchema } from './schemas/policies.ts';
import { CapsuleInstallSchema, CapsuleSchema, CapsuleVersionSchema } from './schemas/capsules.ts';

/**
 * OpenAPI paths and schemas of model policies and the capsule registry, merged into
 * openapi.ts. Request bodies come from the zod schemas the routes validate with.
 */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });
const errorResponse = (description: string) => ({ description, content: json(ref('Error')) });
const list = (item: object) => ({ type: 'object', properties: { object: { const: 'list' }, data: { type: 'array', items: item } } });
const common = { '400': errorResponse('Invalid input (validation_failed, ...)'), '401': errorResponse('Missing or invalid API key') };

const policyInput = z.toJSONSchema(PolicyBodySchema, { io: 'input' });
const manifestInput = z.toJSONSchema(CapsuleManifestSchema, { io: 'input' });
const policyParam = pathParam('name', POLICY_NAME, 'The policy name (lowercase letters, digits, "-", "_").');
const capsuleParam = pathParam('name', CAPSULE_NAME, 'The capsule name.');

export const capsuleSchemas = {
  PolicyInput: policyInput,
  // Response shapes: derived from the zod schemas the serializers are typed by (api/schemas/).
  Policy: responseJsonSchema(PolicySchema),
  CapsuleManifest: manifestInput,
  CapsuleVersion: responseJsonSchema(CapsuleVersionSchema),
  Capsule: responseJsonSchema(CapsuleSchema),
  CapsuleInstall: responseJsonSchema(CapsuleInstallSchema),
};

export const capsulePaths = {
  '/v1/policies': {
    get: { operationId: 'listPolicies', summary: "The tenant's model policies", responses: { '200': { description: 'Policies', content: json(list(ref('Policy'))) }, ...common } },
  },
  '/v1/policies/{name}': {
    get: {
      operationId: 'getPolicy',
      summary: 'One model policy',
      parameters: [policyParam],
      responses: { '200': { description: 'The policy', content: json(ref('Policy')) }, '404': errorResponse('No such policy (policy_not_found)'), ...common },
    },
    put: {
      operationId: 'putPolicy',
      summary: 'Create or replace a model policy (model, chain or auto routing, default parameters; optionally the tenant default)',
      parameters: [policyParam],
      requestBody: { required: true, content: json(ref('PolicyInput')) },
      responses: { '200': { description: 'The policy', content: json(ref('Policy')) }, ...common },
    },
    delete: {
      operationId: 'deletePolicy',
      summary: 'Delete a model policy',
      parameters: [policyParam],
      responses: { '200': { description: 'Deleted' }, '404': errorResponse('No such policy (policy_not_found)'), ...common },
    },
  },
  '/v1/capsules': {
    get: { operationId: 'listCapsules', summary: 'The capsule registry: every capsule with its versions', responses: { '200': { description: 'Capsules', content: json(list(ref('Capsule'))) }, ...common } },
    post: {
      operationId: 'publishCapsule',
      summary: 'Publish a capsule version (the first publisher of a name owns it; versions are immutable)',
      requestBody: { required: true, content: json(ref('CapsuleManifest')) },
      responses: {
        '201': { description: 'Published', content: json(ref('CapsuleVersion')) },
        '200': { description: 'This exact version was already published', content: json(ref('CapsuleVersion')) },
        '403': errorResponse('The name belongs to another tenant (capsule_name_taken)'),
        '409': errorResponse('The version exists with other content (capsule_version_exists)'),
        ...common,
      },
    },
  },
  '/v1/capsules/installed': {
    get: {
      operationId: 'listInstalledCapsules',
      summary: 'Capsules installed in this tenant',
      responses: { '200': { description: 'Installs', content: json(list(ref('CapsuleInstall'))) }, ...common },
    },
  },
  '/v1/capsules/{name}': {
    get: {
      operationId: 'getCapsule',
      summary: 'One capsule and its versions',
      parameters: [capsuleParam],
      responses: { '200': { description: 'The capsule', content: json(ref('Capsule')) }, '404': errorResponse('No such capsule (capsule_not_found)'), ...common },
    },
  },
  '/v1/capsules/{name}/versions/{version}': {
    get: {
      operationId: 'getCapsuleVersion',
      summary: "One version's manifest",
      parameters: [capsuleParam, pathParam('version', SEMVER, 'A semantic version.')],
      responses: { '200': { description: 'The version', content: json(ref('CapsuleVersion')) }, '404': errorResponse('No such version (capsule_not_found)'), ...common },
    },
  },
  '/v1/capsules/{name}/install': {
    post: {
      operationId: 'installCapsule',
      summary: "Install a capsule version into this tenant: its prompt templates, its model policy and its tools",
      parameters: [capsuleParam],
      requestBody: { required: false, content: json(z.toJSONSchema(InstallBodySchema, { io: 'input' })) },
      responses: {
        '200': { description: 'Installed', content: json(ref('CapsuleInstall')) },
        '403': errorResponse('The capsule installs tools, which needs an admin key (admin_required); a read-only key is refused (insufficient_role)'),
        '404': errorResponse('No such capsule (capsule_not_found)'),
        ...common,
      },
    },
  },
};
