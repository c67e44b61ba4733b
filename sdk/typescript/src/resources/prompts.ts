import { path, type RequestOptions } from '../http-client.js';
import { APIResource } from '../resource.js';
import type {
  CreatedPromptTemplate,
  CreatedPromptVersion,
  PromptCreateParams,
  PromptDiff,
  PromptLabel,
  PromptLabelEvent,
  PromptLabelMoveParams,
  PromptListParams,
  PromptRender,
  PromptRenderParams,
  PromptTemplateList,
  PromptTemplateWithLatest,
  PromptVersion,
  PromptVersionCreateParams,
  PromptVersionList,
  PromptVersionListParams,
} from '../types/prompts.js';
import type { List } from '../types/shared.js';

export class PromptVersions extends APIResource {
  /** Versions of a template, newest first, without their content. */
  list(name: string, params: PromptVersionListParams = {}, options?: RequestOptions): Promise<PromptVersionList> {
    return this.http.request({ method: 'GET', path: path`/v1/prompts/${name}/versions`, query: { ...params }, options });
  }

  /** Adds the next immutable version (`created: false` when identical to the latest). */
  create(name: string, body: PromptVersionCreateParams, options?: RequestOptions): Promise<CreatedPromptVersion> {
    return this.http.request({ method: 'POST', path: path`/v1/prompts/${name}/versions`, body, options });
  }

  /** One version, with its content and variables schema. */
  get(name: string, version: number, options?: RequestOptions): Promise<PromptVersion> {
    return this.http.request({ method: 'GET', path: path`/v1/prompts/${name}/versions/${version}`, options });
  }
}

export class PromptLabels extends APIResource {
  /** Points a label at a version, atomically and audited (a rollback is this, with an older version). */
  move(name: string, label: string, body: PromptLabelMoveParams, options?: RequestOptions): Promise<PromptLabel> {
    return this.http.request({ method: 'PUT', path: path`/v1/prompts/${name}/labels/${label}`, body, options });
  }

  /** Removes a label (audited). */
  delete(name: string, label: string, params: { reason?: string } = {}, options?: RequestOptions): Promise<PromptLabel> {
    return this.http.request({ method: 'DELETE', path: path`/v1/prompts/${name}/labels/${label}`, query: { ...params }, options });
  }

  /** Who moved which label, from which version to which, when and why (newest first). */
  history(name: string, params: { limit?: number } = {}, options?: RequestOptions): Promise<List<PromptLabelEvent>> {
    return this.http.request({ method: 'GET', path: path`/v1/prompts/${name}/label-history`, query: { ...params }, options });
  }
}

export class Prompts extends APIResource {
  readonly versions = new PromptVersions(this.http);
  readonly labels = new PromptLabels(this.http);

  /** The tenant's templates, by name (page with `after`). */
  list(params: PromptListParams = {}, options?: RequestOptions): Promise<PromptTemplateList> {
    return this.http.request({ method: 'GET', path: '/v1/prompts', query: { ...params }, options });
  }

  /** Creates a template with its version 1 (checked in the sandbox first). */
  create(body: PromptCreateParams, options?: RequestOptions): Promise<CreatedPromptTemplate> {
    return this.http.request({ method: 'POST', path: '/v1/prompts', body, options });
  }

  /** A template, its labels and its latest version. */
  get(name: string, options?: RequestOptions): Promise<PromptTemplateWithLatest> {
    return this.http.request({ method: 'GET', path: path`/v1/prompts/${name}`, options });
  }

  /** Unified diff between two versions (template text and variables schema). */
  diff(name: string, params: { from: number; to: number }, options?: RequestOptions): Promise<PromptDiff> {
    return this.http.request({ method: 'GET', path: path`/v1/prompts/${name}/diff`, query: { ...params }, options });
  }

  /** Validates the variables and renders a version (by label, number, or production/latest). */
  render(name: string, body: PromptRenderParams = {}, options?: RequestOptions): Promise<PromptRender> {
    return this.http.request({ method: 'POST', path: path`/v1/prompts/${name}/render`, body, options });
  }
}
