// Wire types for the endpoints the console uses so far. They are written by
// hand for now; they will be generated from the controller's OpenAPI
// document (/api/v1/openapi.json) once it describes these routes, so that the
// console and the controller cannot drift.

/** A console user as the controller returns it. Extra fields are ignored. */
export interface User {
  id: string;
  email: string;
  name: string;
  [extra: string]: unknown;
}

/** Body of POST /api/v1/auth/login. */
export interface LoginRequest {
  email: string;
  password: string;
}

/** `data` of a successful POST /api/v1/auth/login. */
export interface LoginResult {
  token: string;
  /** RFC 3339 time after which the token is no longer accepted. */
  expiresAt: string;
  sessionId?: string;
  user: User;
}

/** `data` of GET /api/v1/auth/me: who the bearer is and what they may do. */
export interface Me {
  user: User;
  roles: string[];
  permissions: string[];
}

/** The error envelope every failing API call returns. */
export interface ErrorEnvelope {
  error: {
    code: string;
    message: string;
    details?: unknown;
  };
}
