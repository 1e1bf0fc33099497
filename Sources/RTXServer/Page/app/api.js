// The REST client: login, tokens kept in memory only (never in storage), the access token
// refreshed before it expires, and the API's one error shape {"error": {code, message, field}}
// turned into an ApiError.

/** An error answer of the API (or of the network), with the fields the page shows. */
export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field ?? null;
  }

  /** "message (code, field x)" for the page. */
  describe() {
    const parts = [this.code, this.field ? `field ${this.field}` : null].filter(Boolean);
    return parts.length ? `${this.message} (${parts.join(", ")})` : this.message;
  }
}

/** One logged-in session: its tokens, its refresh timer, and requests with the bearer token. */
export class Session {
  constructor(onExpired) {
    this.account = null;
    this.access = null;
    this.refreshToken = null;
    this.timer = null;
    this.onExpired = onExpired;
  }

  async login(login, password) {
    const pair = await request("POST", "/api/v1/auth/login", null, { login, password });
    this.accept(pair);
  }

  /** Takes a token pair and schedules the next refresh well before the access token expires. */
  accept(pair) {
    this.account = pair.account;
    this.access = pair.access_token;
    this.refreshToken = pair.refresh_token;
    clearTimeout(this.timer);
    const lifetime = Number(pair.expires_in_seconds) || 60;
    const lead = Math.min(60, Math.max(2, lifetime / 5));
    this.timer = setTimeout(() => this.refresh().catch(() => {}), Math.max(1, lifetime - lead) * 1000);
  }

  async refresh() {
    if (!this.refreshToken) throw new ApiError(401, "unauthorized", "not logged in");
    try {
      this.accept(await request("POST", "/api/v1/auth/refresh", null, { refresh_token: this.refreshToken }));
    } catch (e) {
      if (e.status === 401) this.expire(e);
      throw e;
    }
  }

  expire(error) {
    this.logout();
    this.onExpired?.(error);
  }

  logout() {
    clearTimeout(this.timer);
    this.timer = null;
    this.account = this.access = this.refreshToken = null;
  }

  /** A request with the access token; on a 401 the token is refreshed once and the request repeated. */
  async call(method, path, body) {
    try {
      return await request(method, path, this.access, body);
    } catch (e) {
      if (e.status !== 401 || !this.refreshToken) throw e;
      await this.refresh();
      return await request(method, path, this.access, body);
    }
  }
}

/** One HTTP request; resolves to the JSON answer, rejects with an ApiError. */
async function request(method, path, token, body) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined && body !== null) headers["Content-Type"] = "application/json";
  let answer;
  try {
    answer = await fetch(path, { method, headers, body: body == null ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, "network", `the server cannot be reached (${e.message})`);
  }
  let json = null;
  try {
    json = await answer.json();
  } catch {
    json = null;
  }
  if (!answer.ok) {
    const e = json?.error;
    throw new ApiError(answer.status, e?.code ?? `http_${answer.status}`, e?.message ?? answer.statusText, e?.field);
  }
  return json ?? {};
}
