import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes every SomaAgent workflow carries, so the Temporal Web UI can filter
 * by tenant, capability and model. Registered by the dev server flags and by the worker at
 * start-up on an existing cluster.
 */
export const TENANT = defineSearchAttributeKey('SomaTenant', SearchAttributeType.KEYWORD);
export const KIND = defineSearchAttributeKey('SomaKind', SearchAttributeType.KEYWORD);
export const MODEL = defineSearchAttributeKey('SomaModel', SearchAttributeType.KEYWORD);
/** `name@version` of the prompt template a completion was rendered from. */
export const PROMPT = defineSearchAttributeKey('SomaPrompt', SearchAttributeType.KEYWORD);

/** The SLO an `alert` run is about (its `slo` label), and the alert's severity (`page`, `ticket`). */
export const SLO = defineSearchAttributeKey('SomaSlo', SearchAttributeType.KEYWORD);
export const SEVERITY = defineSearchAttributeKey('SomaSeverity', SearchAttributeType.KEYWORD);

/** The agent an `agent` run (or a swarm's child run) executes, so the Web UI filters runs by agent. */
export const AGENT = defineSearchAttributeKey('SomaAgent', SearchAttributeType.KEYWORD);

export const CUSTOM_SEARCH_ATTRIBUTES = [TENANT, KIND, MODEL, PROMPT, SLO, SEVERITY, AGENT] as const;
