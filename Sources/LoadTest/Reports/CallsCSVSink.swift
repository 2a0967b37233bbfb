import Synchronization

/// The `calls.csv` sink: appends each record to the ``CallsCSVWriter`` and writes the
/// file out on each flush (once a second), keeping the first write error for
/// ``RunReport`` to act on at the end.
final class CallsCSVSink: RecordSink {
    let writer: CallsCSVWriter
    private let failure = Mutex<String?>(nil)

    init(writer: CallsCSVWriter) {
        self.writer = writer
    }

    /// The first error met while flushing, if any.
    var writeError: String? { failure.withLock { $0 } }

    func add(_ record: CallRecord) { writer.append(record) }

    func flush() {
        do { try writer.flush() } catch {
            failure.withLock { $0 = $0 ?? "\(error)" }
        }
    }
}
