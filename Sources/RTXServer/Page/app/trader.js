// The trader page: login, live quotes with one-click buy/sell, positions with live P&L,
// pending orders, the account summary and history. Server values (money, prices, volumes)
// are decimal strings, shown as they are or rounded with decimal.js; live P&L is computed
// with decimal.js too (scaled BigInt, no floating point).
import { ApiError, Session } from "./api.js";
import * as D from "./decimal.js";
import { Stream } from "./stream.js";

const $ = (id) => document.getElementById(id);
/** How often the summary, positions and orders are re-read (the stream also triggers a re-read on every private event). */
const POLL_MS = 3000;

const state = {
  session: new Session((e) => loggedOut(`Your session ended: ${e.describe()}. Log in again.`)),
  stream: null,
  poll: null,
  refreshQueued: null,
  symbols: new Map(),   // name → symbol from /api/v1/symbols
  quotes: new Map(),    // name → {bid, ask} decimal strings
  positions: [],
  currency: null,
};

// ---------- messages ----------

function showError(error, prefix) {
  const e = error instanceof ApiError ? error : new ApiError(0, "client", String(error?.message ?? error));
  const box = $("error");
  box.textContent = `${prefix ? prefix + ": " : ""}${e.describe()}`;
  box.hidden = false;
  return e;
}

function clearError() {
  $("error").hidden = true;
  $("error").textContent = "";
  for (const input of document.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
}

function notice(text) {
  $("notice").textContent = text;
}

/** Marks the input of the API's `field` (in the form whose inputs are `prefix-<field>`). */
function markField(error, prefix) {
  const input = error?.field ? $(`${prefix}-${error.field}`) : null;
  if (input) {
    input.setAttribute("aria-invalid", "true");
    input.focus();
  }
}

// ---------- login ----------

async function onLogin(event) {
  event.preventDefault();
  clearError();
  const button = $("login-submit");
  button.disabled = true;
  try {
    await state.session.login($("login-login").value.trim(), $("login-password").value);
    $("login-password").value = "";
    await startTrading();
  } catch (e) {
    markField(showError(e, "Login failed"), "login");
  } finally {
    button.disabled = false;
  }
}

async function startTrading() {
  const symbols = (await state.session.call("GET", "/api/v1/symbols")).symbols ?? [];
  state.symbols = new Map(symbols.filter((s) => s.trading_state !== "disabled").map((s) => [s.name, s]));
  $("login").hidden = true;
  $("trader").hidden = false;
  $("logout").hidden = false;
  $("who").textContent = `account ${state.session.account}`;
  renderQuoteRows();
  const initial = (await state.session.call("GET", "/api/v1/quotes")).quotes ?? [];
  for (const q of initial) onQuote(q);
  state.stream = new Stream(() => state.session.access, [...state.symbols.keys()], onStreamMessage,
                            (text) => { $("stream-state").textContent = `stream: ${text}`; });
  state.stream.start();
  await refreshAll();
  state.poll = setInterval(() => refreshAll().catch(() => {}), POLL_MS);
  loadHistory();
}

function loggedOut(message) {
  state.stream?.stop();
  state.stream = null;
  clearInterval(state.poll);
  state.session.logout();
  $("trader").hidden = true;
  $("login").hidden = false;
  $("logout").hidden = true;
  $("who").textContent = "";
  $("stream-state").textContent = "not connected";
  if (message) showError(new ApiError(401, "unauthorized", message));
}

// ---------- quotes and one-click trading ----------

function renderQuoteRows() {
  const body = $("quotes-body");
  body.replaceChildren();
  const select = $("pending-symbol");
  select.replaceChildren();
  for (const name of state.symbols.keys()) {
    const row = document.createElement("tr");
    row.id = `quote-${name}`;
    row.innerHTML = `<th scope="row"></th><td class="num price" id="bid-${name}">–</td><td class="num price" id="ask-${name}">–</td>
      <td><button class="sell" id="sell-${name}" type="button">Sell</button> <button class="buy" id="buy-${name}" type="button">Buy</button></td>`;
    row.querySelector("th").textContent = name;
    row.querySelector(".sell").setAttribute("aria-label", `Sell ${name} at bid`);
    row.querySelector(".buy").setAttribute("aria-label", `Buy ${name} at ask`);
    row.querySelector(".sell").addEventListener("click", () => marketOrder(name, "sell"));
    row.querySelector(".buy").addEventListener("click", () => marketOrder(name, "buy"));
    body.append(row);
    const option = document.createElement("option");
    option.value = option.textContent = name;
    select.append(option);
  }
}

function onQuote(q) {
  const cells = { bid: $(`bid-${q.symbol}`), ask: $(`ask-${q.symbol}`) };
  if (!cells.bid) return;
  const before = state.quotes.get(q.symbol);
  for (const side of ["bid", "ask"]) {
    const cell = cells[side];
    const now = D.parse(q[side]);
    const old = before ? D.parse(before[side]) : null;
    if (now && old) {
      const move = D.compare(now, old);
      if (move !== 0) {
        cell.classList.toggle("up", move > 0);
        cell.classList.toggle("down", move < 0);
      }
    }
    cell.textContent = q[side];
  }
  state.quotes.set(q.symbol, { bid: q.bid, ask: q.ask });
  renderLivePnl();
}

function clientOrderID() {
  return `web-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

async function marketOrder(symbol, side) {
  clearError();
  const volume = $("trade-volume").value.trim();
  try {
    await state.session.call("POST", "/api/v1/orders", { symbol, side, volume, client_order_id: clientOrderID() });
    notice(`${side} ${volume} ${symbol}: filled`);
    await refreshAll();
  } catch (e) {
    markField(showError(e, `${side} ${symbol}`), "trade");
  }
}

// ---------- account, positions, orders ----------

async function refreshAll() {
  const [account, positions, orders] = await Promise.all([
    state.session.call("GET", "/api/v1/account"),
    state.session.call("GET", "/api/v1/positions"),
    state.session.call("GET", "/api/v1/orders"),
  ]);
  renderSummary(account.account ?? {});
  renderPositions(positions.positions ?? []);
  renderOrders(orders.orders ?? []);
}

/** Coalesces the re-reads that a burst of private events asks for. */
function queueRefresh() {
  clearTimeout(state.refreshQueued);
  state.refreshQueued = setTimeout(() => {
    refreshAll().catch((e) => showError(e, "Refresh"));
    loadHistory();
  }, 150);
}

function renderSummary(a) {
  state.currency = a.currency ?? state.currency;
  $("sum-account").textContent = a.id ?? state.session.account ?? "";
  $("sum-currency").textContent = a.currency ?? "";
  $("sum-balance").textContent = D.display(a.balance, 2);
  $("sum-credit").textContent = D.display(a.credit, 2);
  $("sum-equity").textContent = D.display(a.equity, 2);
  $("sum-margin").textContent = D.display(a.margin, 2);
  $("sum-free-margin").textContent = D.display(a.free_margin, 2);
  $("sum-margin-level").textContent = a.margin_level_percent ? `${a.margin_level_percent} %` : "–";
}

function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text ?? "";
  if (className) td.className = className;
  row.append(td);
  return td;
}

function renderPositions(positions) {
  state.positions = positions;
  const body = $("positions-body");
  body.replaceChildren();
  for (const p of positions) {
    const row = document.createElement("tr");
    row.id = `position-${p.id}`;
    row.dataset.id = p.id;
    cell(row, p.id);
    cell(row, p.symbol);
    cell(row, p.side);
    cell(row, p.volume, "num");
    cell(row, p.price, "num");
    cell(row, "", "num current").id = `current-${p.id}`;
    cell(row, p.sl ?? "", "num");
    cell(row, p.tp ?? "", "num");
    cell(row, "", "num pnl").id = `pnl-${p.id}`;
    const close = cell(row, "");
    close.innerHTML = `<input id="close-volume-${p.id}" size="5" placeholder="all" aria-label="Volume to close of position ${p.id}">
      <button id="close-${p.id}" type="button" aria-label="Close position ${p.id}">Close</button>`;
    close.querySelector("button").addEventListener("click", () => closePosition(p.id));
    if (p.closing) close.querySelector("button").disabled = true;
    body.append(row);
  }
  $("positions-empty").hidden = positions.length > 0;
  renderLivePnl();
}

/** Each position's P&L at the live quote: (bid − open) or (open − ask) × volume × contract size, in the
 *  profit currency; the server's `floating_pnl` (as of the last refresh) when that is not the account's currency. */
function renderLivePnl() {
  for (const p of state.positions) {
    const pnlCell = $(`pnl-${p.id}`);
    const currentCell = $(`current-${p.id}`);
    if (!pnlCell) continue;
    const symbol = state.symbols.get(p.symbol);
    const quote = state.quotes.get(p.symbol);
    const close = quote ? D.parse(p.side === "buy" ? quote.bid : quote.ask) : null;
    const open = D.parse(p.price);
    currentCell.textContent = quote ? (p.side === "buy" ? quote.bid : quote.ask) : "";
    let pnl = null;
    if (close && open && symbol && symbol.profit_currency === state.currency) {
      const move = p.side === "buy" ? D.sub(close, open) : D.sub(open, close);
      pnl = D.mul(D.mul(move, D.parse(p.volume)), D.parse(symbol.contract_size));
      pnlCell.title = "live, at the current quote";
    } else {
      pnl = D.parse(p.floating_pnl);
      pnlCell.title = "from the server at the last refresh";
    }
    if (!pnl) continue;
    pnlCell.textContent = D.format(pnl, 2);
    const sign = D.compare(pnl, { units: 0n, scale: 0 });
    pnlCell.classList.toggle("up", sign > 0);
    pnlCell.classList.toggle("down", sign < 0);
  }
}

async function closePosition(id) {
  clearError();
  const volume = $(`close-volume-${id}`)?.value.trim();
  try {
    await state.session.call("POST", `/api/v1/positions/${id}/close`, volume ? { volume } : {});
    notice(volume ? `position ${id}: closed ${volume}` : `position ${id}: closed`);
    await refreshAll();
  } catch (e) {
    const error = showError(e, `Close ${id}`);
    if (error.field === "volume") $(`close-volume-${id}`)?.setAttribute("aria-invalid", "true");
  }
}

function renderOrders(orders) {
  const body = $("orders-body");
  body.replaceChildren();
  for (const o of orders) {
    const row = document.createElement("tr");
    row.id = `order-${o.id}`;
    row.dataset.id = o.id;
    for (const [text, cls] of [[o.id], [o.symbol], [o.side], [o.type], [o.volume, "num"], [o.price, "num"], [o.sl, "num"], [o.tp, "num"]]) cell(row, text, cls);
    const actions = cell(row, "");
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.id = `cancel-${o.id}`;
    cancel.textContent = "Cancel";
    cancel.setAttribute("aria-label", `Cancel order ${o.id}`);
    cancel.addEventListener("click", () => cancelOrder(o.id));
    actions.append(cancel);
    body.append(row);
  }
  $("orders-empty").hidden = orders.length > 0;
}

async function placePending(event) {
  event.preventDefault();
  clearError();
  const body = { client_order_id: clientOrderID() };
  for (const name of ["symbol", "side", "type", "volume", "price", "sl", "tp"]) {
    const value = $(`pending-${name}`).value.trim();
    if (value) body[name] = value;
  }
  try {
    await state.session.call("POST", "/api/v1/orders", body);
    notice(`${body.type} ${body.side} ${body.volume} ${body.symbol} at ${body.price}: placed`);
    await refreshAll();
  } catch (e) {
    markField(showError(e, "Pending order"), "pending");
  }
}

async function cancelOrder(id) {
  clearError();
  try {
    await state.session.call("DELETE", `/api/v1/orders/${id}`);
    notice(`order ${id}: cancelled`);
    await refreshAll();
  } catch (e) {
    showError(e, `Cancel ${id}`);
  }
}

// ---------- history ----------

async function loadHistory() {
  try {
    const answer = await state.session.call("GET", "/api/v1/history?limit=50");
    const body = $("history-body");
    body.replaceChildren();
    for (const t of answer.trades ?? []) {
      const row = document.createElement("tr");
      const time = Number.isFinite(Number(t.time_ms)) ? new Date(Number(t.time_ms)).toISOString().replace("T", " ").slice(0, 19) : t.time_ms;
      for (const [text, cls] of [[time], [t.position], [t.symbol], [t.side], [t.change], [t.volume, "num"], [t.price, "num"],
        [D.display(t.realized_pnl, 2), "num"], [D.display(t.commission, 2), "num"]]) cell(row, text, cls);
      body.append(row);
    }
    $("history-state").textContent = (answer.trades ?? []).length ? "" : "No trades yet.";
  } catch (e) {
    $("history-state").textContent = e instanceof ApiError ? `History unavailable: ${e.describe()}` : String(e);
  }
}

// ---------- the stream ----------

function onStreamMessage(m) {
  switch (m.type) {
    case "quote": onQuote(m); break;
    case "account": if (m.account) renderSummary(m.account); break;
    case "order": case "position": case "balance": case "protection_changed": queueRefresh(); break;
    case "margin_call": showError(new ApiError(0, "margin_call", `Margin call: equity ${D.display(m.equity, 2)}, margin ${D.display(m.margin, 2)}`)); queueRefresh(); break;
    case "stop_out": showError(new ApiError(0, "stop_out", `Stop out: equity ${D.display(m.equity, 2)}, margin ${D.display(m.margin, 2)}`)); queueRefresh(); break;
    case "error": showError(new ApiError(0, m.error?.code ?? "stream", m.error?.message ?? "stream error", m.error?.field), "Stream"); break;
    default: break;
  }
}

// ---------- wiring ----------

$("login-form").addEventListener("submit", onLogin);
$("pending-form").addEventListener("submit", placePending);
$("history-refresh").addEventListener("click", () => loadHistory());
$("logout").addEventListener("click", () => loggedOut());
document.body.dataset.ready = "true";
