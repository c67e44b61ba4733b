import { path, type RequestOptions } from '../http-client.js';
import { APIResource } from '../resource.js';
import type { APIKey, APIKeyCreateParams, CreatedAPIKey, Tenant, TenantCreateParams } from '../types/admin.js';
import type { Budget, BudgetDeleted, BudgetPutParams } from '../types/budgets.js';
import type { Model, ModelInput } from '../types/models.js';
import type { List } from '../types/shared.js';

export class AdminTenants extends APIResource {
  list(options?: RequestOptions): Promise<List<Tenant>> {
    return this.http.request({ method: 'GET', path: '/v1/admin/tenants', options });
  }

  create(body: TenantCreateParams, options?: RequestOptions): Promise<Tenant> {
    return this.http.request({ method: 'POST', path: '/v1/admin/tenants', body, options });
  }
}

export class AdminKeys extends APIResource {
  /** A tenant's keys, never their secrets. */
  list(tenantId: string, options?: RequestOptions): Promise<List<APIKey>> {
    return this.http.request({ method: 'GET', path: path`/v1/admin/tenants/${tenantId}/keys`, options });
  }

  /** Creates a key; `key` in the answer is the plaintext, shown this once. */
  create(tenantId: string, body: APIKeyCreateParams = {}, options?: RequestOptions): Promise<CreatedAPIKey> {
    return this.http.request({ method: 'POST', path: path`/v1/admin/tenants/${tenantId}/keys`, body, options });
  }

  revoke(keyId: string, options?: RequestOptions): Promise<APIKey> {
    return this.http.request({ method: 'DELETE', path: path`/v1/admin/keys/${keyId}`, options });
  }
}

export class AdminModels extends APIResource {
  /** Creates or replaces a model, e.g. registers a local OpenAI-compatible one. */
  put(modelId: string, body: ModelInput, options?: RequestOptions): Promise<Model> {
    return this.http.request({ method: 'PUT', path: path`/v1/admin/models/${modelId}`, body, options });
  }

  disable(modelId: string, options?: RequestOptions): Promise<Model> {
    return this.http.request({ method: 'DELETE', path: path`/v1/admin/models/${modelId}`, options });
  }
}

export class AdminBudgets extends APIResource {
  /** Creates or replaces a daily or monthly budget for a tenant or one of its keys. */
  put(tenantId: string, body: BudgetPutParams, options?: RequestOptions): Promise<Budget> {
    return this.http.request({ method: 'PUT', path: path`/v1/admin/tenants/${tenantId}/budgets`, body, options });
  }

  delete(tenantId: string, budgetId: string, options?: RequestOptions): Promise<BudgetDeleted> {
    return this.http.request({ method: 'DELETE', path: path`/v1/admin/tenants/${tenantId}/budgets/${budgetId}`, options });
  }
}

/** Operations that need an admin key (403 PermissionDeniedError otherwise). */
export class Admin extends APIResource {
  readonly tenants = new AdminTenants(this.http);
  readonly keys = new AdminKeys(this.http);
  readonly models = new AdminModels(this.http);
  readonly budgets = new AdminBudgets(this.http);
}
