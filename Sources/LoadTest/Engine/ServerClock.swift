import Synchronization

/// Maps one slave's clock (FreeSWITCH's times, µs since the epoch) onto this process's
/// monotonic clock (ns), from the events it sends.
///
/// Each event gives a sample: the local time it was read minus its server time. An
/// event read late (a backlog under load, a slow reader) gives a larger sample, never a
/// smaller one, so the smallest sample seen — the event that travelled fastest — is the
/// best offset:
///
///     offset   = min over events (local receive ns − server µs · 1000)
///     local(t) = t · 1000 + offset
///
/// With answers reaching the generator seconds late, a call's hangup can still be aimed
/// at the server's answer time + hold. The offset includes the fastest event's transit
/// (and up to one tick of FreeSWITCH's 20 ms event clock), so the mapped time is that
/// much later than the true one. Lock-free: every reader thread may add samples.
final class ServerClock: Sendable {
    private let offset = Atomic<Int64>(.max)

    /// Adds the sample of an event stamped `server` (µs) and read at `local` (ns).
    func observe(local: Int64, server: Int64) {
        let sample = local - server * 1000
        var current = offset.load(ordering: .relaxed)
        while sample < current {
            let (exchanged, seen) = offset.compareExchange(
                expected: current, desired: sample, ordering: .relaxed)
            if exchanged { return }
            current = seen
        }
    }

    /// The local time (ns) of server time `server` (µs); nil before the first sample.
    func local(server: Int64) -> Int64? {
        let offset = offset.load(ordering: .relaxed)
        return offset == .max ? nil : server * 1000 + offset
    }
}
