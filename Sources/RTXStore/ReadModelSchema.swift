/// The read models' schema (issue 9): tables the projector writes from the journal, as
/// migrations that follow the journal's (`JournalStore.migrator` runs both, in one version
/// sequence). Append-only like `JournalSchema`: a released migration never changes.
///
/// Units, everywhere: money `*_e8` is 1e-8 of the row's currency (bigint); volumes `*_e8` are
/// 1e-8 lots; prices `*_ticks` are integers in units of 10^-digits of the symbol (`digits` is
/// in `rtx_symbols`, and in the rows that carry a price); never a float. `rtx_price(ticks,
/// digits)` and `rtx_amount(e8)` turn them into exact `numeric` for reading. Times are
/// `timestamptz` to the microsecond, from the journal's nanosecond stamp (`rtx_time`, exact:
/// integer microseconds below 2^53). Every row carries the journal sequence (`seq`) of the
/// input that produced it. Order, position, entry and reference ids are the core's UInt64s as
/// bigint; derived (house) order ids have the top bit set and read as negative numbers
/// (add 2^64 for the core's id).
public enum ReadModelSchema {
    /// The name of the projector's row in `rtx_projector`.
    public static let projectorName = "read_models"

    /// Migrations 2... (1 is the journal's).
    public static let migrations: [PostgresMigration] = [
        PostgresMigration(version: 2, name: "read models, ticks and OHLC", sql: """
            -- STABLE like the timestamptz + interval in its body, so the planner inlines it (an
            -- IMMUTABLE one would run as a function call per row, ~7 times slower); the result
            -- does not depend on the time zone (the interval has no days or months).
            CREATE FUNCTION rtx_time(ns bigint) RETURNS timestamptz LANGUAGE sql STABLE PARALLEL SAFE
                AS $$ SELECT timestamptz '1970-01-01 00:00:00+00' + (ns / 1000) * interval '1 microsecond' $$;
            CREATE FUNCTION rtx_price(ticks bigint, digits integer) RETURNS numeric LANGUAGE sql IMMUTABLE PARALLEL SAFE
                AS $$ SELECT round(ticks::numeric / power(10::numeric, digits), digits) $$;
            CREATE FUNCTION rtx_amount(e8 bigint) RETURNS numeric LANGUAGE sql IMMUTABLE PARALLEL SAFE
                AS $$ SELECT round(e8::numeric / 100000000, 8) $$;

            -- The projector's checkpoint: every journal record up to seq is in the read models,
            -- none after it. Moved in the same transaction as the rows it covers.
            CREATE TABLE rtx_projector (
                name text PRIMARY KEY,
                seq bigint NOT NULL CHECK (seq >= 0),
                journal_time timestamptz,
                updated_at timestamptz NOT NULL DEFAULT now());
            INSERT INTO rtx_projector (name, seq) VALUES ('read_models', 0);

            CREATE TABLE rtx_symbols (
                symbol text PRIMARY KEY,
                symbol_index integer NOT NULL UNIQUE,
                digits smallint NOT NULL,
                contract_size_e8 bigint NOT NULL,
                margin_currency text NOT NULL,
                profit_currency text NOT NULL,
                defined_seq bigint NOT NULL);

            -- One row per account: the stable fields (no floating P&L, no equity), updated at
            -- each change of balance, credit, margin or status (half-empty pages: the updates
            -- stay on their page, no index entry).
            CREATE TABLE rtx_accounts (
                account_id bigint PRIMARY KEY,
                group_name text NOT NULL,
                currency text NOT NULL,
                leverage bigint NOT NULL,
                mode text NOT NULL,
                status text NOT NULL,
                balance_e8 bigint NOT NULL DEFAULT 0,
                credit_e8 bigint NOT NULL DEFAULT 0,
                margin_e8 bigint NOT NULL DEFAULT 0,
                opened_seq bigint NOT NULL,
                opened_at timestamptz NOT NULL,
                updated_seq bigint NOT NULL,
                updated_at timestamptz NOT NULL) WITH (fillfactor = 50);

            -- One row per order, in its latest state.
            CREATE TABLE rtx_orders (
                order_id bigint PRIMARY KEY,
                account_id bigint NOT NULL,
                client_order_id text,
                symbol text NOT NULL,
                digits smallint NOT NULL,
                side text NOT NULL,
                kind text NOT NULL,
                book text NOT NULL,
                volume_e8 bigint NOT NULL,
                filled_volume_e8 bigint NOT NULL,
                price_ticks bigint,
                fill_price_ticks bigint,
                state text NOT NULL,
                reject_reason text,
                position_id bigint,
                fee_schedule_id bigint,
                placed_seq bigint NOT NULL,
                placed_at timestamptz NOT NULL,
                updated_seq bigint NOT NULL,
                updated_at timestamptz NOT NULL) WITH (fillfactor = 90);
            CREATE INDEX rtx_orders_account ON rtx_orders (account_id);

            -- Every state change of every order, one row per order and journal record: states
            -- lists the states it went through in that record, in order ('modified' for a
            -- change of a resting order), e.g. 'pending,accepted,filling,filled' for a market
            -- order filled at once; state is where it ended.
            CREATE TABLE rtx_order_events (
                order_id bigint NOT NULL,
                seq bigint NOT NULL,
                states text NOT NULL,
                state text NOT NULL,
                filled_volume_e8 bigint NOT NULL,
                fill_price_ticks bigint,
                price_ticks bigint,
                reject_reason text,
                time timestamptz NOT NULL,
                PRIMARY KEY (order_id, seq));

            -- One row per position: open or closed. realized_pnl, commission and swap are the
            -- totals so far (client's view: a charge is negative in realized_pnl and swap,
            -- commission is the positive amount charged); swap_since_trade_e8 is swap booked
            -- since the position's last reduce or close (the next one carries it in rtx_trades).
            CREATE TABLE rtx_positions (
                position_id bigint PRIMARY KEY,
                account_id bigint NOT NULL,
                symbol text NOT NULL,
                digits smallint NOT NULL,
                side text NOT NULL,
                book text NOT NULL,
                status text NOT NULL,
                volume_e8 bigint NOT NULL,
                opened_volume_e8 bigint NOT NULL,
                open_price_ticks bigint NOT NULL,
                average_price_ticks bigint NOT NULL,
                last_close_price_ticks bigint,
                margin_e8 bigint NOT NULL,
                realized_pnl_e8 bigint NOT NULL DEFAULT 0,
                commission_e8 bigint NOT NULL DEFAULT 0,
                swap_e8 bigint NOT NULL DEFAULT 0,
                swap_since_trade_e8 bigint NOT NULL DEFAULT 0,
                close_cause text,
                opened_seq bigint NOT NULL,
                opened_at timestamptz NOT NULL,
                closed_seq bigint,
                closed_at timestamptz,
                updated_seq bigint NOT NULL,
                updated_at timestamptz NOT NULL) WITH (fillfactor = 90);
            CREATE INDEX rtx_positions_account ON rtx_positions (account_id);

            -- Fills and closes: one row per position change. side is the trade's direction
            -- (the position's side when opening or adding, the opposite when reducing);
            -- commission_e8 is what this trade was charged; swap_e8, on a reduce or close, is
            -- the swap booked at rollovers since the position's previous reduce or close
            -- (already in the balance: informational, as on a closing deal elsewhere);
            -- fee_schedule_id is the journal sequence of the fee schedule in force.
            CREATE TABLE rtx_trades (
                seq bigint NOT NULL,
                n integer NOT NULL,
                position_id bigint NOT NULL,
                order_id bigint,
                account_id bigint NOT NULL,
                symbol text NOT NULL,
                digits smallint NOT NULL,
                side text NOT NULL,
                book text NOT NULL,
                change text NOT NULL,
                cause text NOT NULL,
                volume_e8 bigint NOT NULL,
                price_ticks bigint NOT NULL,
                realized_pnl_e8 bigint NOT NULL,
                commission_e8 bigint NOT NULL,
                swap_e8 bigint NOT NULL,
                fee_schedule_id bigint,
                time timestamptz NOT NULL,
                PRIMARY KEY (seq, n));
            CREATE INDEX rtx_trades_account ON rtx_trades (account_id);

            -- The double-entry ledger, one row per leg: leg 1 is where the money leaves
            -- (amount negative), leg 2 where it enters (positive), so each entry sums to zero
            -- and a ledger account's legs sum to its balance. ledger_account is
            -- 'balance:ID', 'credit:ID' or 'house:NAME'; account_id is the client account of
            -- a balance or credit leg. seq is the journal record that posted the entry,
            -- cause_seq the command it settles (an order's placement for a triggered order).
            CREATE TABLE rtx_ledger_entries (
                entry_id bigint NOT NULL,
                leg smallint NOT NULL CHECK (leg IN (1, 2)),
                ledger_account text NOT NULL,
                account_id bigint,
                amount_e8 bigint NOT NULL,
                currency text NOT NULL,
                kind text NOT NULL,
                seq bigint NOT NULL,
                cause_seq bigint NOT NULL,
                reference bigint,
                detail bigint,
                time timestamptz NOT NULL,
                PRIMARY KEY (entry_id, leg));
            CREATE INDEX rtx_ledger_entries_account ON rtx_ledger_entries (account_id) WHERE account_id IS NOT NULL;

            -- One per order: how it was booked and why. book and hedge_ratio_ppm are what the
            -- order's command carries (after routing); decision is the decision record
            -- journaled with the order, verbatim (NULL when no routing policy ran: the
            -- request's own routing stood), with the policy's answer in decision -> 'routing'
            -- and the input it saw in decision -> 'context'; outcome ('decided', 'fallback',
            -- or 'none'), lp, reason and the plugin's id, version and sha256 are taken out of
            -- it by the server. fee_schedule_id: the schedule in force at placement.
            CREATE TABLE rtx_decision_records (
                order_id bigint PRIMARY KEY,
                account_id bigint NOT NULL,
                symbol text NOT NULL,
                side text NOT NULL,
                order_type text NOT NULL,
                volume_e8 bigint NOT NULL,
                book text NOT NULL,
                hedge_ratio_ppm bigint NOT NULL,
                fee_schedule_id bigint,
                seq bigint NOT NULL,
                time timestamptz NOT NULL,
                decision jsonb,
                outcome text GENERATED ALWAYS AS (coalesce(decision -> 'routing' ->> 'outcome', 'none')) STORED,
                lp text GENERATED ALWAYS AS (decision -> 'routing' ->> 'lp') STORED,
                reason text GENERATED ALWAYS AS (decision -> 'routing' ->> 'reason') STORED,
                plugin_id text GENERATED ALWAYS AS (decision -> 'routing' ->> 'plugin') STORED,
                plugin_version text GENERATED ALWAYS AS (decision -> 'routing' ->> 'version') STORED,
                plugin_sha256 text GENERATED ALWAYS AS (decision -> 'routing' ->> 'sha256') STORED,
                fault text GENERATED ALWAYS AS (decision -> 'routing' ->> 'fault') STORED);

            -- Every quote the core applied (raw, before markup), partitioned by day (UTC);
            -- the projector creates a day's partition when its first tick arrives. Nothing
            -- is dropped yet (no retention).
            CREATE TABLE rtx_ticks (
                symbol text NOT NULL,
                time timestamptz NOT NULL,
                seq bigint NOT NULL,
                bid_ticks bigint NOT NULL,
                ask_ticks bigint NOT NULL,
                bid_volume_e8 bigint NOT NULL,
                ask_volume_e8 bigint NOT NULL,
                PRIMARY KEY (symbol, time, seq)) PARTITION BY RANGE (time);

            -- Bars of the bid and of the ask per symbol and period, in UTC buckets
            -- [bucket, bucket + period), upserted as ticks are projected.
            CREATE TABLE rtx_ohlc (
                symbol text NOT NULL,
                period text NOT NULL CHECK (period IN ('1m', '5m', '1h', '1d')),
                bucket timestamptz NOT NULL,
                open_bid bigint NOT NULL,
                high_bid bigint NOT NULL,
                low_bid bigint NOT NULL,
                close_bid bigint NOT NULL,
                open_ask bigint NOT NULL,
                high_ask bigint NOT NULL,
                low_ask bigint NOT NULL,
                close_ask bigint NOT NULL,
                tick_count bigint NOT NULL,
                first_seq bigint NOT NULL,
                last_seq bigint NOT NULL,
                PRIMARY KEY (symbol, period, bucket));
            """),
    ]
}
