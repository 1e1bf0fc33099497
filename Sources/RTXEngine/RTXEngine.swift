/// RTXEngine: the running engine — configuration, sequencer, journal writer, core thread,
/// LP order path, clock, snapshots and recovery (DESIGN §2).
public enum RTXEngine {}
