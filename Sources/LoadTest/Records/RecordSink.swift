/// Something that consumes the finished calls of a run: the `calls.csv` writer, the
/// metrics and histograms, the timeline, a progress view.
///
/// A run's ``RecordQueue`` is the only caller: it hands each sink every record once,
/// in the order the calls were closed, then a per-second ``progress(_:)`` snapshot
/// followed by ``flush()``, and ``finish()`` once at the end.
///
/// # Implementation requirements
/// - The methods are called on the record queue's thread, one at a time, never
///   concurrently, and never while a lock of the engine is held; a slow sink delays
///   the other sinks (the queue's depth grows) but never the socket readers or the
///   scheduler.
/// - A sink that is also read from elsewhere (a summary built at the end, a test)
///   guards its own state.
/// - Do not call back into the run (the ledger, the listeners) from a sink.
public protocol RecordSink: Sendable {
    /// A finished call.
    func add(_ record: CallRecord)
    /// The run's per-second snapshot; every record closed before it was taken has
    /// been added. Default: nothing.
    func progress(_ snapshot: LoadRun.Progress)
    /// Writes out what is buffered; called after each ``progress(_:)``. Default: nothing.
    func flush()
    /// No more records will come. Default: ``flush()``.
    func finish()
}

extension RecordSink {
    public func progress(_ snapshot: LoadRun.Progress) {}
    public func flush() {}
    public func finish() { flush() }
}

/// A sink made of closures (for a benchmark or a test that only counts or samples).
public struct ClosureSink: RecordSink {
    private let onRecord: @Sendable (CallRecord) -> Void
    private let onProgress: @Sendable (LoadRun.Progress) -> Void

    public init(
        add: @escaping @Sendable (CallRecord) -> Void = { _ in },
        progress: @escaping @Sendable (LoadRun.Progress) -> Void = { _ in }
    ) {
        self.onRecord = add
        self.onProgress = progress
    }

    public func add(_ record: CallRecord) { onRecord(record) }
    public func progress(_ snapshot: LoadRun.Progress) { onProgress(snapshot) }
}
