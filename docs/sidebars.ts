import type { SidebarsConfig } from '@docusaurus/plugin-content-docs';

const sidebars: SidebarsConfig = {
  docs: [
    'intro',
    'getting-started',
    'configuration',
    'architecture',
    {
      type: 'category',
      label: 'API',
      collapsed: false,
      items: ['api/overview', 'api/openai-compatible'],
    },
    {
      type: 'category',
      label: 'Concepts',
      collapsed: false,
      items: ['concepts/durable-completions', 'concepts/providers', 'concepts/models-and-routing', 'concepts/routing-learned', 'concepts/local-models', 'concepts/model-policies', 'concepts/streaming', 'concepts/tool-calling', 'concepts/capsules'],
    },
    {
      type: 'category',
      label: 'Prompts',
      collapsed: false,
      items: ['prompts/templates', 'prompts/versions-and-labels', 'prompts/rendering', 'prompts/experiments', 'prompts/library'],
    },
    {
      type: 'category',
      label: 'Memory',
      collapsed: false,
      items: ['memory/documents-and-search', 'memory/conversations', 'memory/rag', 'memory/embeddings', 'memory/vector-stores'],
    },
    {
      type: 'category',
      label: 'Agents',
      collapsed: false,
      items: ['agents/agents', 'agents/tools', 'agents/swarms'],
    },
    {
      type: 'category',
      label: 'Fine-tuning',
      collapsed: false,
      items: ['fine-tuning/datasets', 'fine-tuning/tuning-backends', 'evals/evaluations'],
    },
    {
      type: 'category',
      label: 'SDKs',
      collapsed: false,
      items: ['sdks/typescript', 'sdks/python'],
    },
    'cli',
    {
      type: 'category',
      label: 'Security',
      collapsed: false,
      items: ['security/keys-and-roles', 'security/outbound-requests', 'security/payload-encryption', 'security/secrets-at-rest', 'security/embedded-postgres'],
    },
    {
      type: 'category',
      label: 'Operations',
      collapsed: false,
      items: ['operations/benchmarks', 'operations/model-metrics', 'operations/slos', 'operations/anomaly-detection', 'operations/on-call'],
    },
    {
      type: 'category',
      label: 'Development',
      collapsed: false,
      items: ['development/testing'],
    },
  ],
};

export default sidebars;
