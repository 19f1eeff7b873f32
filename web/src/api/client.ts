// The axios instance that every request of the UI goes through. It sends the
// session cookies, adds the CSRF header to unsafe requests, and on a 401
// refreshes the session once and repeats the request.
import axios, {
  type AxiosInstance,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from "axios";

export const CSRF_COOKIE = "csrf_token";
export const CSRF_HEADER = "X-CSRF-Token";
export const REFRESH_PATH = "/auth/refresh";

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

// A 401 from these paths means wrong credentials or no session at all, so a
// refresh cannot help. A 401 from /auth/refresh itself must not start another one.
const PATHS_WITHOUT_REFRESH = new Set(["/auth/login", "/auth/register", REFRESH_PATH]);

declare module "axios" {
  interface InternalAxiosRequestConfig {
    /** Set on a request that is repeated after a refresh, so it is repeated only once. */
    revocastRetried?: boolean;
  }
}

/** An HTTP or network failure, with a message that can be shown to the user. */
export class ApiError extends Error {
  /** HTTP status code, or undefined when no response arrived. */
  readonly status: number | undefined;

  constructor(status: number | undefined, message: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

export interface ApiClientOptions {
  /** Prefix of every request path. Empty, the default, means the page's own origin. */
  baseURL?: string;
  /** Returns the cookies that scripts can read, in `document.cookie` form. */
  readCookies?: () => string;
  /** Called when a refresh is rejected, so the UI can show the login form. */
  onSessionExpired?: () => void;
}

/** Return the value of cookie `name` in a `document.cookie` string, or undefined. */
export function readCookie(cookies: string, name: string): string | undefined {
  for (const pair of cookies.split(";")) {
    const separator = pair.indexOf("=");
    if (separator === -1) {
      continue;
    }
    if (pair.slice(0, separator).trim() === name) {
      return decodeURIComponent(pair.slice(separator + 1).trim());
    }
  }
  return undefined;
}

export function isUnsafeMethod(method: string | undefined): boolean {
  return UNSAFE_METHODS.has((method ?? "GET").toUpperCase());
}

/** Build the message shown for a failed response: the service's `detail`, else the status. */
export function responseMessage(response: AxiosResponse): string {
  const body: unknown = response.data;
  if (typeof body === "object" && body !== null && "detail" in body) {
    const detail = (body as { detail: unknown }).detail;
    if (typeof detail === "string" && detail !== "") {
      return detail;
    }
  }
  const statusText = response.statusText ? ` ${response.statusText}` : "";
  return `The request failed with status ${response.status}${statusText}.`;
}

/** Convert anything a request can throw into an ApiError. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) {
    return error;
  }
  if (axios.isAxiosError(error)) {
    if (error.response) {
      return new ApiError(error.response.status, responseMessage(error.response));
    }
    const target = `${error.config?.method?.toUpperCase() ?? "GET"} ${error.config?.url ?? ""}`;
    return new ApiError(
      undefined,
      `${target} failed: ${error.message}. Check that the services are running.`,
    );
  }
  return new ApiError(undefined, error instanceof Error ? error.message : String(error));
}

function pathOf(config: InternalAxiosRequestConfig): string {
  const url = config.url ?? "";
  // The UI sends relative URLs. The base only lets URL() parse them.
  return new URL(url, "http://relative.invalid").pathname;
}

/** Create the axios instance of the UI. */
export function createApiClient(options: ApiClientOptions = {}): AxiosInstance {
  const readCookies = options.readCookies ?? (() => document.cookie);
  const client = axios.create({
    baseURL: options.baseURL ?? "",
    withCredentials: true,
    headers: { Accept: "application/json" },
  });

  // Runs again for a repeated request, so the repeat carries the CSRF token
  // that the refresh has just set.
  client.interceptors.request.use((config) => {
    if (isUnsafeMethod(config.method)) {
      const token = readCookie(readCookies(), CSRF_COOKIE);
      if (token !== undefined) {
        config.headers.set(CSRF_HEADER, token);
      }
    }
    return config;
  });

  // Concurrent 401s share one refresh, so a rotated refresh token is not sent
  // twice. Auth accepts a reuse only within REVOCAST_REFRESH_REUSE_GRACE_SECONDS
  // and otherwise treats it as a replay.
  let refreshInFlight: Promise<void> | null = null;
  const refreshSession = (): Promise<void> => {
    refreshInFlight ??= client
      .post(REFRESH_PATH)
      .then(() => undefined)
      .finally(() => {
        refreshInFlight = null;
      });
    return refreshInFlight;
  };

  client.interceptors.response.use(undefined, async (error: unknown) => {
    if (!axios.isAxiosError(error) || error.response?.status !== 401 || !error.config) {
      throw toApiError(error);
    }
    const config = error.config;
    if (config.revocastRetried || PATHS_WITHOUT_REFRESH.has(pathOf(config))) {
      throw toApiError(error);
    }

    try {
      await refreshSession();
    } catch (refreshError) {
      const failure = toApiError(refreshError);
      // 401: no valid refresh token. 403: the CSRF check of /auth/refresh failed,
      // which happens when the csrf_token cookie is gone. Both mean log in again.
      if (failure.status === 401 || failure.status === 403) {
        options.onSessionExpired?.();
        throw toApiError(error);
      }
      throw failure;
    }

    config.revocastRetried = true;
    return client.request(config);
  });

  return client;
}
