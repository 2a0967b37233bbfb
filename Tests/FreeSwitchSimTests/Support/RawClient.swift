import ESL
import Foundation

/// A plain TCP client for byte-level checks: writes exact bytes and reads frames with
/// the ESL decoder. Reads block with a receive timeout, so a broken server fails the
/// test instead of hanging it.
final class RawClient: @unchecked Sendable {  // used by one thread at a time
    let fd: Int32
    private var decoder = FrameDecoder()
    /// Every frame received so far, in order.
    private(set) var frames: [Frame] = []
    private(set) var sawEOF = false
    /// False for long streams (benchmarks) that must not be kept in memory.
    var keepsFrames = true

    init(port: Int) throws {
        fd = try POSIXSocket.connect(host: "127.0.0.1", port: port, timeout: 5)
        POSIXSocket.setReceiveTimeout(fd, seconds: 10)
    }

    deinit { POSIXSocket.close(fd) }

    func send(_ text: String) throws { try POSIXSocket.writeAll(fd, Array(text.utf8)) }
    func send(_ bytes: [UInt8]) throws { try POSIXSocket.writeAll(fd, bytes) }

    /// Reads until `predicate` holds for a newly decoded frame; returns that frame
    /// (nil on EOF or timeout).
    @discardableResult
    func read(until predicate: (Frame) -> Bool) throws -> Frame? {
        while true {
            while let frame = try decoder.next() {
                if keepsFrames { frames.append(frame) }
                if predicate(frame) { return frame }
            }
            var buffer = [UInt8](repeating: 0, count: 65536)
            let count = try buffer.withUnsafeMutableBytes { try POSIXSocket.read(fd, into: $0) }
            if count == 0 {
                sawEOF = true
                return nil
            }
            decoder.append(buffer[0..<count])
        }
    }

    /// Reads the next non-event frame (a reply, a notice).
    func reply() throws -> Frame? { try read { !$0.contentType.isEvent } }

    /// Reads until EOF; true if it came.
    func readToEOF() throws -> Bool {
        _ = try read { _ in false }
        return sawEOF
    }
}

/// A reply frame reduced to text that does not depend on values the simulator
/// chooses freely: digit runs become `#`, generated v4 uuids become `<uuid>`.
enum ReplyShape {
    static func of(_ frame: Frame) -> String {
        let text = frame.headers.filter { $0.name != "Content-Length" }.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
            + "\n\n" + frame.bodyText
        return normalise(text)
    }

    static func normalise(_ text: String) -> String {
        var out = text.replacingOccurrences(
            of: "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", with: "<uuid>",
            options: .regularExpression)
        out = out.replacingOccurrences(of: "[0-9]+(\\.[0-9]+)?", with: "#", options: .regularExpression)
        // "1 hour" / "2 hours": the unit's plural follows the value.
        out = out.replacingOccurrences(
            of: "(year|day|hour|minute|second|millisecond|microsecond)s\\b", with: "$1", options: .regularExpression)
        return out
    }
}
