import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../api/openapi.ts';
import { OPERATIONS, SomaAgent, type FetchInit } from '../sdk/typescript/src/index.ts';
import type * as Sdk from '../sdk/typescript/src/index.ts';
import type * as Wire from '../sdk/typescript/src/generated/api-types.ts';

/**
 * The SDKs' contract with the API: every operation of the OpenAPI document has a client method
 * (OPERATIONS maps operationId → dotted method path), every entry names a real method, and that
 * method sends the documented HTTP method to the documented path. The Python SDK keeps the same
 * map in sdk/python/somaagent/_operations.py and is held to the first two rules as well.
 */

const HTTP_METHODS = ['get', 'post', 'put', 'delete', 'patch'] as const;

interface DocumentedOperation {
  operationId: string;
  method: string;
  path: string;
}

function documentedOperations(): DocumentedOperation[] {
  const operations: DocumentedOperation[] = [];
  for (const [path, item] of Object.entries(openApiDocument.paths as Record<string, Record<string, { operationId?: string; 'x-sdk'?: boolean }>>)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      // `x-sdk: false` marks operator protocols (the Temporal codec endpoint) the SDKs leave out.
      if (operation?.operationId && operation['x-sdk'] !== false) operations.push({ operationId: operation.operationId, method: method.toUpperCase(), path });
    }
  }
  return operations;
}

const documented = documentedOperations();
const documentedIds = documented.map((o) => o.operationId).sort();

/** Follows a dotted path from the client; undefined unless every step is an own member (not Object.prototype's). */
function resolveMethod(client: object, dotted: string): { owner: object; fn: (...args: unknown[]) => unknown } | undefined {
  let owner: unknown;
  let current: unknown = client;
  for (const segment of dotted.split('.')) {
    if (typeof current !== 'object' || current === null || segment in Object.prototype) return undefined;
    owner = current;
    current = (current as Record<string, unknown>)[segment];
  }
  return typeof current === 'function' ? { owner: owner as object, fn: current as (...args: unknown[]) => unknown } : undefined;
}

describe('TypeScript SDK operations', () => {
  it('maps every operationId of the OpenAPI document, and nothing else', () => {
    expect(documented.length).toBeGreaterThan(40);
    const missing = documentedIds.filter((id) => !(id in OPERATIONS));
    const stale = Object.keys(OPERATIONS).filter((id) => !documentedIds.includes(id));
    expect(missing, 'operationIds with no entry in sdk/typescript/src/operations.ts').toEqual([]);
    expect(stale, 'OPERATIONS entries the API no longer documents').toEqual([]);
  });

  it('resolves every method path to a function on a constructed client', () => {
    const client = new SomaAgent({ apiKey: 'sk_soma_contract', baseURL: 'http://127.0.0.1:9' });
    const unresolved = Object.entries(OPERATIONS).filter(([, dotted]) => !resolveMethod(client, dotted));
    expect(unresolved, 'OPERATIONS entries that are not methods of the client').toEqual([]);
  });

  it('sends each operation with the documented HTTP method to the documented path', async () => {
    const log: Array<{ method: string; url: URL }> = [];
    const client = new SomaAgent({
      apiKey: 'sk_soma_contract',
      baseURL: 'http://sdk-contract.invalid',
      maxRetries: 0,
      // Records the request instead of sending it: this test is about the shape of requests only.
      fetch: async (url: string, init: FetchInit) => {
        log.push({ method: init.method, url: new URL(url) });
        return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
      },
    });
    const mismatches: string[] = [];
    for (const operation of documented) {
      const method = resolveMethod(client, OPERATIONS[operation.operationId] ?? '');
      if (!method) continue; // reported by the test above
      // Path parameters come first, in path order; then an (empty) body or query object.
      const params = [...operation.path.matchAll(/\{(\w+)\}/g)].map((m, i) => `p${i + 1}-${m[1]}`);
      log.length = 0;
      await method.fn.apply(method.owner, [...params, {}]);
      const sent = log[0];
      const expectedPath = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => `p${params.findIndex((p) => p.endsWith(`-${name}`)) + 1}-${name}`);
      if (!sent) mismatches.push(`${operation.operationId}: sent nothing`);
      else if (sent.method !== operation.method || sent.url.pathname !== expectedPath) {
        mismatches.push(`${operation.operationId}: sent ${sent.method} ${sent.url.pathname}, documented ${operation.method} ${expectedPath}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

const root = resolve(import.meta.dirname, '..');
const pythonOperations = join(root, 'sdk', 'python', 'somaagent', '_operations.py');
const pythonReady = existsSync(pythonOperations);
const pythonNote = pythonReady ? '' : ' (skipped: sdk/python/somaagent/_operations.py does not exist yet)';

/**
 * Loads the Python map and, when the package imports, walks each method path on constructed
 * clients. Printed as JSON: { operations, clients: { Name: [unresolved paths] }, importError }.
 */
const PYTHON_PROBE = String.raw`
import importlib, importlib.util, json, sys
sys.path.insert(0, sys.argv[1])
try:
    ops = importlib.import_module('somaagent._operations').OPERATIONS
except Exception:
    spec = importlib.util.spec_from_file_location('_soma_operations', sys.argv[2])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    ops = module.OPERATIONS
out = {'operations': dict(ops), 'clients': {}, 'importError': None}
try:
    package = importlib.import_module('somaagent')
except Exception as error:
    out['importError'] = repr(error)
else:
    for name in ('SomaAgent', 'AsyncSomaAgent'):
        cls = getattr(package, name, None)
        if cls is None:
            continue
        try:
            client = cls(api_key='sk_soma_contract', base_url='http://127.0.0.1:9')
        except Exception as error:
            out['clients'][name] = ['(could not construct %s(api_key=..., base_url=...): %r)' % (name, error)]
            continue
        unresolved = []
        for dotted in ops.values():
            target = client
            for part in dotted.split('.'):
                target = getattr(target, part, None)
            if not callable(target):
                unresolved.append(dotted)
        out['clients'][name] = unresolved
        close = getattr(client, 'close', None)
        if callable(close) and name == 'SomaAgent':
            close()
print(json.dumps(out))
`;

interface PythonProbe {
  operations: Record<string, string>;
  clients: Record<string, string[]>;
  importError: string | null;
}

/** The venv `scripts/bootstrap.mjs --for-tests` makes for the Python SDK (with httpx), else the system Python. */
const venvPython = join(resolve(root, process.env.SOMA_STATE_DIR ?? '.soma'), 'venv', 'bin', 'python');
const pythonBinary = existsSync(venvPython) ? venvPython : 'python3';

function probePython(): PythonProbe {
  const output = execFileSync(pythonBinary, ['-c', PYTHON_PROBE, join(root, 'sdk', 'python'), pythonOperations], { encoding: 'utf8', timeout: 30_000 });
  return JSON.parse(output.trim().split('\n').at(-1)!) as PythonProbe;
}

describe(`Python SDK operations${pythonNote}`, () => {
  it.skipIf(!pythonReady)('maps every operationId of the OpenAPI document, and nothing else', () => {
    const { operations } = probePython();
    const missing = documentedIds.filter((id) => !(id in operations));
    const stale = Object.keys(operations).filter((id) => !documentedIds.includes(id));
    expect(missing, 'operationIds with no entry in sdk/python/somaagent/_operations.py').toEqual([]);
    expect(stale, 'OPERATIONS entries the API no longer documents').toEqual([]);
  });

  it.skipIf(!pythonReady)('resolves every method path to a callable on constructed clients', (context) => {
    const probe = probePython();
    if (probe.importError !== null) {
      console.warn(`sdk/python: the somaagent package does not import here (${probe.importError}); method paths not checked.`);
      context.skip();
    }
    expect(Object.keys(probe.clients).length, 'somaagent exports neither SomaAgent nor AsyncSomaAgent').toBeGreaterThan(0);
    for (const [name, unresolved] of Object.entries(probe.clients)) {
      expect(unresolved, `${name}: OPERATIONS entries that are not methods`).toEqual([]);
    }
  });
});

/**
 * Field shapes, not only paths. For each response schema: the SDK type's declared fields are
 * the OpenAPI document's properties (through the generated types, which test/sdk-types-drift
 * keeps equal to the document). TypeScript is checked by the compiler (`npm run lint`): a field
 * added to, dropped from or renamed in either side makes one of these assignments fail.
 */
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const typeScriptFieldShapes: Record<string, true> = {
  // The whole type, field types included: the SDK type is the generated one (or a view of it).
  Completion: true satisfies Same<Sdk.Completion, Wire.Completion>,
  Budget: true satisfies Same<Sdk.Budget, Wire.Budget>,
  Model: true satisfies Same<Sdk.Model, Wire.Model>,
  RagAnswer: true satisfies Same<Sdk.RagAnswer, Wire.RagAnswer>,
  Tenant: true satisfies Same<Sdk.Tenant, Wire.Tenant>,
  ApiKey: true satisfies Same<Sdk.CreatedAPIKey, Required<Wire.ApiKey>>,
  Capsule: true satisfies Same<Sdk.Capsule, Wire.Capsule>,
  CapsuleInstall: true satisfies Same<Sdk.CapsuleInstall, Required<Wire.CapsuleInstall>>,
  ConversationMessage: true satisfies Same<Sdk.ConversationMessage, Wire.ConversationMessage>,
  Conversation: true satisfies Same<Sdk.ConversationWithMessages, Required<Wire.Conversation>>,
  PromptLabel: true satisfies Same<Sdk.PromptLabel, Wire.PromptLabel>,
  LabelEvent: true satisfies Same<Sdk.PromptLabelEvent, Wire.LabelEvent>,
  ExperimentResults: true satisfies Same<Sdk.ExperimentResults, Wire.ExperimentResults>,
  // The same fields (the SDK's own type is narrower, e.g. exactly one of model and models).
  Run: true satisfies SameKeys<Sdk.Run, Wire.Run>,
  Document: true satisfies SameKeys<Sdk.MemoryDocument, Wire.Document>,
  SearchResult: true satisfies SameKeys<Sdk.SearchResult, Wire.SearchResult>,
  Policy: true satisfies SameKeys<Sdk.Policy, Wire.Policy>,
  Tool: true satisfies Same<Sdk.Tool, Wire.Tool>,
  Agent: true satisfies Same<Sdk.Agent, Wire.Agent>,
  AgentVersion: true satisfies Same<Sdk.AgentVersion, Wire.AgentVersion>,
  AgentRunState: true satisfies Same<Sdk.AgentRunState, Wire.AgentRunState>,
  AgentEvent: true satisfies Same<Sdk.AgentEvent, Wire.AgentEvent>,
  ApprovalList: true satisfies Same<Sdk.ApprovalList, Wire.ApprovalList>,
  Secret: true satisfies Same<Sdk.Secret, Wire.Secret>,
  Ingestion: true satisfies SameKeys<Sdk.Ingestion, Wire.Ingestion>,
  Experiment: true satisfies SameKeys<Sdk.Experiment, Wire.Experiment>,
  ExperimentAssignment: true satisfies SameKeys<Sdk.ExperimentAssignment, Wire.ExperimentAssignment>,
  CapsuleVersion: true satisfies SameKeys<Sdk.CapsuleVersion, Wire.CapsuleVersion>,
  PromptTemplate: true satisfies SameKeys<Sdk.PromptTemplate, Omit<Wire.PromptTemplate, 'latest' | 'version'>>,
  PromptTemplateVersion: true satisfies SameKeys<Sdk.CreatedPromptVersion, Required<Wire.PromptTemplateVersion>>,
  PromptRender: true satisfies SameKeys<Sdk.PromptRender, Wire.PromptRender>,
  PromptDiff: true satisfies SameKeys<Sdk.PromptDiff, Wire.PromptDiff>,
  RunFeedback: true satisfies SameKeys<Sdk.RunFeedback, Wire.RunFeedback>,
  OutcomeImport: true satisfies SameKeys<Sdk.OutcomeImport, Wire.OutcomeImport>,
  OutcomeSummary: true satisfies SameKeys<Sdk.OutcomeSummary, Wire.OutcomeSummary>,
  RouterVersion: true satisfies SameKeys<Sdk.RouterVersion, Wire.RouterVersion>,
  Error: true satisfies SameKeys<Sdk.ErrorBody, Wire.Error>,
};

/**
 * Component schemas that are not answers the SDKs model: request bodies, and the
 * OpenAI-compatible wire (OpenAI clients speak it, not these SDKs).
 */
const NOT_SDK_RESPONSES = /(Request|Input)$|^CapsuleManifest$|^ChatCompletion|^Embedding|^OpenAI/;
const responseSchemaNames = Object.keys(openApiDocument.components.schemas).filter((name) => !NOT_SDK_RESPONSES.test(name));

/** Python SDK class -> component schema whose properties are its dataclass fields (by JSON name). */
const PYTHON_SHAPES: Record<string, string> = {
  Completion: 'Completion',
  Run: 'Run',
  Budget: 'Budget',
  Model: 'Model',
  RagAnswer: 'RagAnswer',
  Policy: 'Policy',
  Tool: 'Tool',
  Agent: 'Agent',
  AgentVersion: 'AgentVersion',
  AgentRunState: 'AgentRunState',
  AgentStep: 'AgentRunState.steps[]',
  AgentToolCall: 'AgentRunState.steps[].tool_calls[]',
  AgentEvent: 'AgentEvent',
  ApprovalList: 'ApprovalList',
  PendingApproval: 'ApprovalList.pending[]',
  ApprovalRecord: 'ApprovalList.decided[]',
  Secret: 'Secret',
  ApiKey: 'ApiKey',
  Tenant: 'Tenant',
  Capsule: 'Capsule',
  CapsuleInstall: 'CapsuleInstall',
  CapsuleVersion: 'CapsuleVersion',
  Conversation: 'Conversation',
  ConversationMessage: 'ConversationMessage',
  Experiment: 'Experiment',
  ExperimentAssignment: 'ExperimentAssignment',
  ExperimentResults: 'ExperimentResults',
  VariantResult: 'ExperimentResults.variants[]',
  VariantComparison: 'ExperimentResults.comparisons[]',
  Ingestion: 'Ingestion',
  IngestedDocument: 'Ingestion.documents[]',
  MemoryDocument: 'Document',
  SearchResult: 'SearchResult',
  RagCitation: 'RagAnswer.citations[]',
  RagPassage: 'RagAnswer.context[]',
  PromptTemplate: 'PromptTemplate',
  PromptTemplateVersion: 'PromptTemplateVersion',
  PromptLabel: 'PromptLabel',
  LabelEvent: 'LabelEvent',
  PromptRender: 'PromptRender',
  PromptDiff: 'PromptDiff',
  RunFeedback: 'RunFeedback',
  OutcomeImport: 'OutcomeImport',
  OutcomeSummary: 'OutcomeSummary',
  RouterVersion: 'RouterVersion',
};

type PropertySchema = { properties?: Record<string, PropertySchema>; items?: PropertySchema };

/** `Name` or `Name.field[]...`: a component schema, or the object schema under its fields ([] = array items). */
function schemaAt(path: string): PropertySchema | undefined {
  const [component, ...steps] = path.split('.');
  let schema: PropertySchema | undefined = (openApiDocument.components.schemas as unknown as Record<string, PropertySchema>)[component!];
  for (const step of steps) {
    const isArray = step.endsWith('[]');
    schema = schema?.properties?.[isArray ? step.slice(0, -2) : step];
    if (isArray) schema = schema?.items;
  }
  return schema;
}

const PYTHON_FIELDS = String.raw`
import dataclasses, importlib, json, sys
sys.path.insert(0, sys.argv[1])
types = importlib.import_module('somaagent.types')
out = {}
for name in json.loads(sys.argv[2]):
    cls = getattr(types, name)
    out[name] = sorted(f.metadata.get('json', f.name) for f in dataclasses.fields(cls))
print(json.dumps(out))
`;

describe('field shapes', () => {
  it('holds the TypeScript SDK types to the documented properties (checked by tsc)', () => {
    expect(Object.keys(typeScriptFieldShapes).length).toBeGreaterThan(5);
  });

  it('covers every response schema in both SDKs', () => {
    const pythonSchemas = new Set(Object.values(PYTHON_SHAPES));
    expect(responseSchemaNames.filter((name) => !(name in typeScriptFieldShapes)), 'response schemas with no TypeScript shape check').toEqual([]);
    // The error body is read by the Python SDK's exceptions, not a dataclass.
    expect(responseSchemaNames.filter((name) => name !== 'Error' && !pythonSchemas.has(name)), 'response schemas with no Python shape check').toEqual([]);
  });

  it('holds the Python SDK classes to the documented properties', (context) => {
    let fields: Record<string, string[]>;
    try {
      const output = execFileSync(pythonBinary, ['-c', PYTHON_FIELDS, join(root, 'sdk', 'python'), JSON.stringify(Object.keys(PYTHON_SHAPES))], { encoding: 'utf8', timeout: 30_000 });
      fields = JSON.parse(output.trim().split('\n').at(-1)!) as Record<string, string[]>;
    } catch (error) {
      console.warn(`sdk/python: the somaagent package does not import here (${String(error)}); field shapes not checked.`);
      return context.skip();
    }
    const mismatches: string[] = [];
    for (const [pythonName, schemaPath] of Object.entries(PYTHON_SHAPES)) {
      const documented = Object.keys(schemaAt(schemaPath)?.properties ?? {}).sort();
      if (JSON.stringify(fields[pythonName]) !== JSON.stringify(documented)) {
        mismatches.push(`somaagent.types.${pythonName} ${JSON.stringify(fields[pythonName])} vs ${schemaPath} ${JSON.stringify(documented)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('keeps the generated Python TypedDicts equal to the documented properties', () => {
    // The TypedDicts are generated (drift-checked); this names each component the SDK's dataclasses are held to.
    const generated = readFileSync(join(root, 'sdk', 'python', 'somaagent', '_generated_types.py'), 'utf8');
    const missing = [...new Set(Object.values(PYTHON_SHAPES).map((path) => path.split('.')[0]!))].filter((name) => !new RegExp(`^(class ${name}\\b|${name} = TypedDict\\()`, 'm').test(generated));
    expect(missing, 'components with no generated TypedDict').toEqual([]);
  });
});
