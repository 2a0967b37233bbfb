import FreeSwitchSim
import LoadTest
import Synchronization

/// `e2e_max_cps`: full runs (scheduler, originator, control and event connections,
/// listeners, ledger) against two simulated slaves in this process, stepping the rate
/// up; the figure is the highest rate that passes.
///
/// A step passes when no call failed, was lost or was blocked, ≥ 99 % of the due calls
/// were sent, and they were *sent* at ≥ 99 % of the target rate:
/// (sent − 1) / (last sent − first sent). The
/// scheduler counts a late call as offered, so its own count would hide a generator
/// that falls behind; the send times do not.
enum EndToEndBenchmark {
    struct Step: Sendable {
        var rate: Double
        var sent: Int
        var achieved: Double
        var answered: Int
        var failed: Int
        var lost: Int
        var blocked: Int
        var passed: Bool
    }

    /// Steps through `rates` in order and stops at the first that fails; returns the
    /// highest passing rate (0 if none) and every step run.
    static func search(rates: [Double], seconds: Double, log: (String) -> Void) async throws -> (Double, [Step]) {
        var best = 0.0
        var steps: [Step] = []
        for rate in rates {
            let step = try await run(rate: rate, seconds: seconds)
            steps.append(step)
            log(
                "    \(Format.number(rate)) calls/s: sent \(step.sent) at \(Format.number(step.achieved))/s, "
                    + "answered \(step.answered), failed \(step.failed), lost \(step.lost), blocked \(step.blocked)"
                    + (step.passed ? "" : "  ✗"))
            guard step.passed else { break }
            best = rate
        }
        return (best, steps)
    }

    /// Two simulated slaves with room to spare: `sps` and `max_sessions` far above the
    /// load, answer after 50 ms, one session per call (the destination is a foreign
    /// address, so no loop-back leg: the figure is about the generator, not about the
    /// simulator answering its own calls).
    static func startSlaves(count: Int = 2, password: String) throws -> [SimSlave] {
        var slaves: [SimSlave] = []
        for index in 0..<count {
            var configuration = SimConfiguration()
            configuration.port = 0
            configuration.password = password
            configuration.switchname = "sim-\(index + 1)"
            configuration.profiles = [SofiaProfile(name: "external", sipIP: "127.0.0.1", sipPort: 5080 + index)]
            configuration.timing.answerDelay = .fixed(0.05)
            configuration.timing.ringDelay = .fixed(0.02)
            configuration.timing.sessionsPerSecond = 100_000
            configuration.timing.maxSessions = 200_000
            do {
                slaves.append(try SimSlave.start(configuration))
            } catch {
                for slave in slaves { slave.stop() }
                throw error
            }
        }
        return slaves
    }

    static func plan(
        rate: Double, seconds: Double?, maxCalls: Int? = nil, holdSeconds: Int, limit: Int, grace: Double,
        slaves: [(host: String, port: Int)], password: String
    ) -> RunPlan {
        let call = RunPlan.Call(dest: "echo@192.0.2.1:5060")
        return RunPlan(
            name: "bench", runID: "bench-" + String(Clock.nanoseconds() % 1_000_000_000),
            slaves: slaves.enumerated().map { index, address in
                RunPlan.Slave(
                    name: "sim-\(index + 1)", host: address.host, port: address.port, password: password, call: call,
                    simulated: true)
            },
            pacer: Pacer(curve: .constant(rate), endTime: seconds, maxCalls: maxCalls), limit: limit,
            holdSeconds: holdSeconds, grace: grace)
    }

    static func run(rate: Double, seconds: Double) async throws -> Step {
        let password = "bench"
        let sims = try startSlaves(password: password)
        defer { for sim in sims { sim.stop() } }
        let records = Mutex<(sent: [Int64], answered: Int)>(([], 0))
        let plan = plan(
            rate: rate, seconds: seconds, holdSeconds: 1, limit: Int(rate * 4) + 1000, grace: 10,
            slaves: sims.map { ("127.0.0.1", $0.port) }, password: password)
        let load = LoadRun(
            plan: plan,
            sink: { record in
                records.withLock { records in
                    if let sent = record.sentAt { records.sent.append(sent) }
                    if record.outcome == .answered { records.answered += 1 }
                }
            })
        let result: LoadRun.Result
        do {
            result = try await load.run()
        } catch {
            throw BenchError("e2e at \(rate)/s: \(error)")
        }
        let (sent, answered) = records.withLock { ($0.sent.sorted(), $0.answered) }
        var achieved = 0.0
        if sent.count > 1, let first = sent.first, let last = sent.last, last > first {
            achieved = Double(sent.count - 1) / (Double(last - first) / 1e9)
        }
        let failed = result.outcomes[.failed] ?? 0
        let lost = result.outcomes[.lost] ?? 0
        let passed = failed == 0 && lost == 0 && result.blocked == 0 && achieved >= 0.99 * rate
            && Double(sent.count) >= 0.99 * rate * seconds
        return Step(
            rate: rate, sent: sent.count, achieved: achieved, answered: answered, failed: failed, lost: lost,
            blocked: result.blocked, passed: passed)
    }
}
