import Dispatch
import Foundation
import LoadTest
import Synchronization

/// `--metrics [ADDR:]PORT` and `--metrics-linger S` of `switchy run`: where to serve
/// the live metrics, and for how long after the run.
struct MetricsOptions: Equatable {
    /// Loopback unless an address is given: the endpoint says what a run does.
    static let defaultHost = "127.0.0.1"

    var host: String
    /// 0 picks a free port (the start line says which).
    var port: Int
    /// Seconds to keep serving once the run is over.
    var linger = 0.0

    /// `PORT`, `ADDR:PORT`, `:PORT` or `[IPv6]:PORT`.
    init(parsing text: String) throws(ArgumentScanner.UsageError) {
        let expected = "expects [ADDR:]PORT, e.g. 9464 or 127.0.0.1:9464"
        var hostText = Self.defaultHost
        var portText = Substring(text)
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[close...].hasPrefix("]:") else {
                throw .init("--metrics \(expected), got '\(text)'")
            }
            hostText = String(text[text.index(after: text.startIndex)..<close])
            portText = text[text.index(close, offsetBy: 2)...]
        } else if let colon = text.lastIndex(of: ":") {
            guard text.firstIndex(of: ":") == colon else {
                throw .init("--metrics '\(text)': write an IPv6 address in brackets, e.g. [::1]:9464")
            }
            if colon != text.startIndex { hostText = String(text[..<colon]) }
            portText = text[text.index(after: colon)...]
        }
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw .init("--metrics \(expected) (a port from 0 to 65535), got '\(text)'")
        }
        guard !hostText.isEmpty else { throw .init("--metrics \(expected), got '\(text)'") }
        host = hostText
        self.port = port
    }

    /// Starts serving `sink`'s metrics.
    /// - Throws: a usage error saying why the address cannot be listened on.
    func serve(_ sink: LiveMetricsSink) throws(ArgumentScanner.UsageError) -> MetricsServer {
        do {
            return try MetricsServer(host: host, port: port) { accept in sink.render(accept: accept) }
        } catch {
            throw .init("--metrics: \(error)")
        }
    }
}

/// The wait of `--metrics-linger`: its seconds, or until a signal ends it early.
final class Linger: Sendable {
    private let state = Mutex<(active: Bool, ended: Bool)>((false, false))
    private let semaphore = DispatchSemaphore(value: 0)

    /// Whether the wait is on (a signal then ends it, and nothing else).
    var isActive: Bool { state.withLock { $0.active } }

    /// Ends the wait now.
    func end() {
        let signal = state.withLock { state in
            defer { state.ended = true }
            return !state.ended
        }
        if signal { semaphore.signal() }
    }

    /// From now on a signal ends the wait (called as soon as the run is over, so a
    /// Ctrl-C while the summary prints already ends it).
    func arm() {
        state.withLock { $0.active = true }
    }

    /// Waits `seconds` or until ``end()``, on a thread of its own.
    func wait(seconds: Double) async {
        arm()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                _ = self.semaphore.wait(timeout: .now() + seconds)
                continuation.resume()
            }
        }
    }
}
