import LoadTest
import Synchronization

/// Hold precision (issue 14 §1): full runs against two simulated slaves in this
/// process, each answered call held `hold` seconds by the generator (`uuid_kill` at the
/// server's answer + hold), and how far each call's two holds are from it:
///
///     hold_ms − hold         (the generator's clock: answer seen → hangup seen)
///     server_hold_ms − hold  (the slave's clock: Caller-Channel-Answered-Time →
///                             CHANNEL_HANGUP, in 20 ms steps)
///
/// For each, the median of the signed deviation (a bias) and the 99th percentile of its
/// absolute value (the spread). Beside them, where a miss comes from: the median of
/// (hangup requested − answer seen − hold), ≈ 0 when the hold timer fired on time for
/// the answer as switchy read it (a late kill then waited on its way to the slave), and
/// grown when the answer's callback ran late.
enum HoldBenchmark {
    /// Deviations from the planned hold, ms.
    struct Result: Sendable {
        var rate: Double
        var answered: Int
        /// Answered calls the run did not hang up itself (no `hangupRequestedAt`).
        var notEndedByRun: Int
        var holdMedian: Double
        var holdP99: Double
        var serverHoldMedian: Double
        var serverHoldP99: Double
        /// Median of hangup requested − answer seen − hold, ms.
        var requestedMedian: Double
    }

    static func run(rate: Double, seconds: Double, holdSeconds: Int) async throws -> Result {
        let password = "bench"
        let sims = try EndToEndBenchmark.startSlaves(password: password)
        defer { for sim in sims { sim.stop() } }
        let deviations = Mutex<(local: [Double], server: [Double], requested: [Double], notEndedByRun: Int)>(
            ([], [], [], 0))
        let hold = Double(holdSeconds) * 1000
        let plan = EndToEndBenchmark.plan(
            rate: rate, seconds: seconds, holdSeconds: holdSeconds, limit: Int(rate * Double(holdSeconds + 4)) + 1000,
            grace: Double(holdSeconds) + 10, slaves: sims.map { ("127.0.0.1", $0.port) }, password: password)
        let load = LoadRun(
            plan: plan,
            sinks: [ClosureSink(add: { record in
                guard record.outcome == .answered else { return }
                deviations.withLock { deviations in
                    if let local = record.holdMs { deviations.local.append(local - hold) }
                    if let server = record.serverHoldMs { deviations.server.append(server - hold) }
                    if let requested = record.hangupRequestedAt, let answered = record.answeredAt {
                        deviations.requested.append(Double(requested - answered) / 1e6 - hold)
                    } else {
                        deviations.notEndedByRun += 1
                    }
                }
            })])
        do {
            _ = try await load.run()
        } catch {
            throw BenchError("hold at \(rate)/s: \(error)")
        }
        let (local, server, requested, notEndedByRun) = deviations.withLock {
            ($0.local, $0.server, $0.requested, $0.notEndedByRun)
        }
        return Result(
            rate: rate, answered: local.count, notEndedByRun: notEndedByRun,
            holdMedian: median(local), holdP99: percentile99(ofAbsolute: local),
            serverHoldMedian: median(server), serverHoldP99: percentile99(ofAbsolute: server),
            requestedMedian: median(requested))
    }

    static func median(_ values: [Double]) -> Double {
        values.isEmpty ? .nan : Stats(values).median
    }

    static func percentile99(ofAbsolute values: [Double]) -> Double {
        let sorted = values.map(abs).sorted()
        return sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, sorted.count * 99 / 100)]
    }
}
