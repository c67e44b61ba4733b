import type { HttpClient } from './http-client.js';

/** A group of API operations (`client.runs`, `client.prompts.versions`, ...) sharing the client's transport. */
export abstract class APIResource {
  protected readonly http: HttpClient;

  constructor(http: HttpClient) {
    this.http = http;
  }
}
