/// Load runs: profiles, pacing, scheduling, fan-out and reports (the load-run issue
/// fills this module).
public enum LoadTest {}
