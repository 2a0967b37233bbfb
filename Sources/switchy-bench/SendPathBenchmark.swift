import FreeSwitchSim
import LoadTest
import Synchronization

/// The send path against a slow server (issue 15 §1b): full runs at a constant rate
/// against two simulated slaves in this process whose command loops spend
/// `slow_commands` ms on each command (``SimFaults/slowCommandMilliseconds``), so
/// past their capacity their sockets fill and their answers come late, and the same
/// run against the same slaves without the fault (the baseline), one after the other.
///
/// Each run reports apart what the generator did and what the server did:
/// - the generator: schedule lag (scheduled → handed over, `schedule_lag_ms`), the
///   achieved rate from the calls' send times ((n − 1) / (last − first), against the
///   target), and the time each originate spent queued in switchy (`send_queue_ms`:
///   handed over → its last byte taken by the kernel);
/// - the server: `originate_ms` (sent → BACKGROUND_JOB) and `answer_ms` (sent →
///   CHANNEL_ANSWER), which grow with the server's backlog;
/// - the run's own queues from `summary.json`'s figures: the control connections'
///   write backlog high-water marks and the listeners' callback-queue overflow.
enum SendPathBenchmark {
    struct Result: Sendable {
        var slowCommandMilliseconds: Double
        var rate: Double
        var sent: Int
        /// Calls per second from the send times.
        var achieved: Double
        var lag: Percentiles
        var sendQueue: Percentiles
        var originate: Percentiles
        var answer: Percentiles
        var answered: Int
        /// Outcomes other than answered, e.g. `12 lost`.
        var other: String
        /// Over every slave: the most commands and bytes queued at once on a control
        /// connection, and the callback queues' overflow.
        var backlogCommands: Int
        var backlogBytes: Int
        var callbackOverflow: Int

        var achievedPercent: Double { achieved / rate * 100 }
    }

    /// p50 / p99 / max of one latency, ms (NaN without samples).
    struct Percentiles: Sendable {
        var p50 = Double.nan
        var p99 = Double.nan
        var max = Double.nan

        init(_ values: [Double]) {
            let sorted = values.sorted()
            guard let last = sorted.last else { return }
            p50 = sorted[sorted.count / 2]
            p99 = sorted[Swift.min(sorted.count - 1, sorted.count * 99 / 100)]
            max = last
        }

        var text: String { "\(Format.number(p50)) / \(Format.number(p99)) / \(Format.number(max))" }
    }

    static func run(rate: Double, seconds: Double, slowCommandMilliseconds: Double) async throws -> Result {
        let password = "bench"
        let sims = try EndToEndBenchmark.startSlaves(password: password)
        defer { for sim in sims { sim.stop() } }
        var faults = SimFaults()
        faults.slowCommandMilliseconds = slowCommandMilliseconds
        for sim in sims { sim.setFaults(faults) }
        struct Samples {
            var sent: [Int64] = []
            var lag: [Double] = []
            var sendQueue: [Double] = []
            var originate: [Double] = []
            var answer: [Double] = []
        }
        let samples = Mutex(Samples())
        let plan = EndToEndBenchmark.plan(
            rate: rate, seconds: seconds, holdSeconds: 1, limit: Int(rate * 30) + 1000, grace: 30,
            slaves: sims.map { ("127.0.0.1", $0.port) }, password: password)
        let load = LoadRun(
            plan: plan,
            sinks: [ClosureSink(add: { record in
                samples.withLock { samples in
                    if let sent = record.sentAt { samples.sent.append(sent) }
                    if let lag = record.scheduleLagMs { samples.lag.append(lag) }
                    if let queued = record.sendQueueMs { samples.sendQueue.append(queued) }
                    if let originate = record.originateMs { samples.originate.append(originate) }
                    if let answer = record.answerMs { samples.answer.append(answer) }
                }
            })])
        let result: LoadRun.Result
        do {
            result = try await load.run()
        } catch {
            throw BenchError("send path at \(rate)/s, slow_commands \(slowCommandMilliseconds) ms: \(error)")
        }
        let taken = samples.withLock { $0 }
        let other = result.outcomes.filter { $0.key != .answered }
            .map { "\($0.value) \($0.key.rawValue)" }.sorted().joined(separator: ", ")
        let queues = result.sendQueues.values
        return Result(
            slowCommandMilliseconds: slowCommandMilliseconds, rate: rate, sent: taken.sent.count,
            achieved: EndToEndBenchmark.rate(of: taken.sent.sorted()), lag: Percentiles(taken.lag),
            sendQueue: Percentiles(taken.sendQueue), originate: Percentiles(taken.originate),
            answer: Percentiles(taken.answer), answered: result.outcomes[.answered] ?? 0, other: other,
            backlogCommands: queues.map(\.writeBacklogHighWaterCommands).max() ?? 0,
            backlogBytes: queues.map(\.writeBacklogHighWaterBytes).max() ?? 0,
            callbackOverflow: queues.map(\.callbackQueueOverflowed).reduce(0, +))
    }

    /// One line per run for the log.
    static func describe(_ result: Result) -> String {
        let fault = result.slowCommandMilliseconds > 0
            ? "slow_commands \(Format.number(result.slowCommandMilliseconds)) ms" : "baseline (no fault)"
        return "\(fault): sent \(result.sent) at \(Format.number(result.achieved))/s "
            + "(\(Format.number(result.achievedPercent)) % of \(Format.number(result.rate))); "
            + "switchy: schedule_lag_ms p50/p99/max \(result.lag.text), send_queue_ms \(result.sendQueue.text), "
            + "write backlog peak \(result.backlogCommands) commands / \(Format.number(Double(result.backlogBytes))) B, "
            + "callback overflow \(result.callbackOverflow); "
            + "server: originate_ms \(result.originate.text), answer_ms \(result.answer.text); "
            + "answered \(result.answered)" + (result.other.isEmpty ? "" : ", \(result.other)")
    }
}
