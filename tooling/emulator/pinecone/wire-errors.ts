/**
 * Pinecone's data plane answers errors as gRPC statuses rendered in JSON:
 * `{"code":3,"message":"...","details":[]}` with the HTTP status that gRPC code maps to.
 * The SDK reads `message` and picks its error class from the HTTP status.
 */

/** The gRPC status codes the data plane uses, with their HTTP statuses. */
export const GRPC = {
  INVALID_ARGUMENT: { code: 3, status: 400 },
  NOT_FOUND: { code: 5, status: 404 },
  RESOURCE_EXHAUSTED: { code: 8, status: 429 },
  UNIMPLEMENTED: { code: 12, status: 405 },
  INTERNAL: { code: 13, status: 500 },
  UNAVAILABLE: { code: 14, status: 503 },
  UNAUTHENTICATED: { code: 16, status: 401 },
} as const;

export type GrpcStatus = (typeof GRPC)[keyof typeof GRPC];

export interface WireErrorBody {
  code: number;
  message: string;
  details: unknown[];
}

/** Thrown by the index and the route handlers; the server renders it. */
export class PineconeWireError extends Error {
  override readonly name = 'PineconeWireError';
  constructor(
    readonly grpc: GrpcStatus,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return this.grpc.status;
  }

  body(): WireErrorBody {
    return { code: this.grpc.code, message: this.message, details: [] };
  }
}

export const badRequest = (message: string): PineconeWireError => new PineconeWireError(GRPC.INVALID_ARGUMENT, message);
export const notFound = (message: string): PineconeWireError => new PineconeWireError(GRPC.NOT_FOUND, message);
