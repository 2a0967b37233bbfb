#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization

/// SIGINT and SIGTERM, counted, handled on a queue of their own, from the moment the
/// handler exists.
///
/// A Dispatch signal source alone is not enough: on Linux it is registered
/// asynchronously after `resume()`, and a signal arriving before that (with `SIG_IGN`
/// set, as the source needs) is lost — a Ctrl-C right after `switchy sim` printed its
/// slaves did nothing. So the handler is installed synchronously (the classic
/// self-pipe): it only writes the signal number to a pipe, and a Dispatch read source
/// drains the pipe, which keeps whatever arrived before it was registered.
///
/// One at a time per process (the pipe is global, as a signal handler can only reach
/// globals). `@unchecked Sendable`: Dispatch sources are thread-safe but not annotated
/// `Sendable` on Linux.
final class SignalHandler: @unchecked Sendable {
    private let source: any DispatchSourceRead

    /// Installs the handler; `handler` gets 1 for the first signal, 2 for the second, …,
    /// and the signal's number.
    init(_ handler: @escaping @Sendable (Int, Int32) -> Void) {
        var ends: [Int32] = [-1, -1]
        _ = pipe(&ends)
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        signalPipeWriteEnd = ends[1]
        let counter = Counter()
        let readEnd = ends[0]
        source = DispatchSource.makeReadSource(fileDescriptor: readEnd, queue: .global())
        source.setEventHandler {
            var bytes = [UInt8](repeating: 0, count: 16)
            while true {
                let count = bytes.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                guard count > 0 else { break }
                for byte in bytes.prefix(count) { handler(counter.next(), Int32(byte)) }
            }
        }
        source.resume()
        for number in [SIGINT, SIGTERM] { signal(number, forwardSignal) }
    }

    /// Stops handling: from now on SIGINT and SIGTERM are ignored (the reports are
    /// being written).
    func cancel() {
        for number in [SIGINT, SIGTERM] { signal(number, SIG_IGN) }
        source.cancel()
    }

    private final class Counter: Sendable {
        private let value = Atomic<Int>(0)
        func next() -> Int { value.add(1, ordering: .relaxed).newValue }
    }
}

/// The write end of ``SignalHandler``'s pipe; set before the signal handler is installed.
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1

/// The signal handler: async-signal-safe, it only writes the signal number to the pipe
/// (non-blocking: if the pipe is full, enough signals are pending already).
private func forwardSignal(_ number: Int32) {
    let saved = errno
    var byte = UInt8(truncatingIfNeeded: number)
    _ = write(signalPipeWriteEnd, &byte, 1)
    errno = saved
}
