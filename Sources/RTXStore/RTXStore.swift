/// RTXStore: the engine's edges to storage — PostgreSQL through libpq (journal, snapshots,
/// migrations) and the private PostgreSQL and Redis servers `rtx run` starts when no URL is
/// configured.
public enum RTXStore {}
