// The WebSocket stream (/api/v1/stream): authenticates with the first message, subscribes to
// the page's symbols once the server says "ready", hands every message to the page, and
// reconnects (backing off up to 30 s) while the session lasts.

export class Stream {
  /** `token()` gives the current access token; `onMessage(json)`, `onState(text)` report. */
  constructor(token, symbols, onMessage, onState) {
    this.token = token;
    this.symbols = symbols;
    this.onMessage = onMessage;
    this.onState = onState;
    this.socket = null;
    this.retry = null;
    this.backoff = 1;
    this.stopped = false;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retry);
    this.socket?.close(1000, "logout");
    this.socket = null;
  }

  connect() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(`${scheme}//${location.host}/api/v1/stream`);
    this.socket = socket;
    this.onState("connecting");
    socket.onopen = () => socket.send(JSON.stringify({ op: "auth", token: this.token() }));
    socket.onmessage = (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message.type === "ready") {
        this.backoff = 1;
        this.onState("live");
        socket.send(JSON.stringify({ op: "subscribe", symbols: this.symbols }));
      }
      this.onMessage(message);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket || this.stopped) return;
      this.onState(`disconnected (${event.code}${event.reason ? " " + event.reason : ""}); retrying in ${this.backoff} s`);
      this.retry = setTimeout(() => this.connect(), this.backoff * 1000);
      this.backoff = Math.min(30, this.backoff * 2);
    };
  }
}
