/** Shapes several resources share. */

/** A page of results: `{ object: 'list', data }`. */
export interface List<T> {
  object: 'list';
  data: T[];
}

/** A page that says whether another one follows (prompt templates and versions). */
export interface PagedList<T> extends List<T> {
  /** True when the page is full: ask for the next one (`after` / `before`). */
  has_more: boolean;
}

export type Role = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: Role;
  content: string;
}

export type ProviderId = 'openai' | 'anthropic' | 'local';

/** A JSON value, for fields whose shape belongs to the caller (variables, query results). */
export type JSONValue = string | number | boolean | null | JSONValue[] | { [key: string]: JSONValue };
