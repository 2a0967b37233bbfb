import Synchronization

/// The live metrics of a run (`switchy run --metrics`): one more ``RecordSink``. It
/// counts each record as it comes, and publishes what it has at each per-second
/// snapshot; a scrape reads the published ``LiveMetrics`` (a copy taken under a lock
/// held only for the copy) and renders it on its own thread, so serving never
/// delays the record queue.
///
/// Publishing at the snapshots keeps the figures of one scrape consistent: the
/// records the queue delivers before a snapshot are those closed before it was taken,
/// so every call counted by outcome is also counted as offered.
public final class LiveMetricsSink: RecordSink {
    private struct State {
        var working: LiveMetrics
        var published: LiveMetrics
        var previous: LoadRun.Progress?
    }

    private let state: Mutex<State>

    public init(run: LiveMetrics.RunInfo) {
        let empty = LiveMetrics(run: run)
        state = Mutex(State(working: empty, published: empty))
    }

    public func add(_ record: CallRecord) {
        state.withLock { $0.working.add(record) }
    }

    public func progress(_ snapshot: LoadRun.Progress) {
        state.withLock { state in
            state.working.update(snapshot, previous: state.previous)
            state.previous = snapshot
            state.published = state.working
        }
    }

    /// The figures as of the latest snapshot.
    public var metrics: LiveMetrics { state.withLock { $0.published } }

    /// The response to a scrape whose `Accept` header is `accept`.
    public func render(accept: String?) -> (contentType: String, body: String) {
        let format = MetricsExposition.Format(accept: accept)
        return (format.contentType, MetricsExposition.render(metrics, format: format))
    }
}
