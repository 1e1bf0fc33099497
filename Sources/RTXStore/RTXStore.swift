/// RTXStore: the engine's edges to storage — PostgreSQL through libpq (journal, snapshots,
/// migrations) and the private PostgreSQL and Redis servers `rtx run` starts when no URL is
/// configured.
///
/// - `PostgresConnection` (with `PostgresConfiguration`, `PostgresValue`, `PostgresResult`,
///   `PostgresError`): one synchronous libpq session, one owner thread.
/// - `PostgresMigrator` / `PostgresMigration`: versioned schema changes in one transaction.
/// - `JournalStore` (`JournalRecord`, `JournalError`, schema in `JournalSchema`): the
///   append-only command journal and the core's snapshots.
/// - `RedisClient` (with `RedisConfiguration`, `RedisReply`, `RedisError`): one hiredis
///   connection, one owner thread; argv commands, pipelines, pushed pub/sub messages.
/// - `PrivatePostgres`, `PrivateRedis` (`PrivateServerError`, `StoreLogger`): servers of
///   our own on 127.0.0.1, reused across crashes of the engine.
public enum RTXStore {}
