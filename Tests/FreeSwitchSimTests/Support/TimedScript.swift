import Foundation
import TestSupport

/// A capture's sidecar with its timing: when the connection opened (wall clock) and
/// at which offset from it each command was sent, so a replay on a ``ManualClock``
/// reproduces whole-second timers (originate_timeout, sched_hangup, the throttle).
struct TimedScript {
    struct Step {
        var seconds: Double
        var bytes: [UInt8]
        var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    /// The connect time, in µs since the epoch.
    var connectedAt: Int64
    var steps: [Step]

    init(_ name: String) throws {
        let text = try Fixtures.sent(name)
        let sends = try SentScript.load(name).sends
        var connected: Int64 = 0
        var times: [Double] = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# connected to"), let at = line.range(of: " at ") {
                let stamp = line[at.upperBound...].prefix { $0 != " " }
                let formatter = ISO8601DateFormatter()
                formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
                if let date = formatter.date(from: String(stamp)) {
                    connected = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
                }
            } else if line.hasPrefix("T+"), line.contains(" SEND ") {
                times.append(Double(line.dropFirst(2).prefix { $0 != " " }) ?? 0)
            }
        }
        connectedAt = connected
        steps = zip(times, sends).map { Step(seconds: $0.0, bytes: $0.1.bytes) }
    }
}
