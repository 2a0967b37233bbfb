import FreeSwitchSim
import LoadTest
import Synchronization

/// `e2e_max_cps`: full runs (scheduler, originator, control and event connections,
/// listeners, ledger) against two simulated slaves, stepping the rate up; the figure is
/// the highest rate that passes. The slaves run in a child process (`--serve-sims`, a
/// fresh one per step), so this process's CPU time over a step (`getrusage`) is the
/// generator's alone: `e2e_cpu_us_per_call` is it divided by the calls sent.
///
/// A step passes when every call sent was answered (none failed, was lost, rejected or
/// blocked), ≥ 99 % of the due calls were sent, they were *sent* at ≥ 99 % of the target
/// rate ((n − 1) / (last − first) over the send times: the scheduler counts a late call
/// as offered, so its own count would hide a generator that falls behind), and the
/// answers kept up: the 99th percentile of scheduled → answer seen is at most
/// ``maximumSetupP99`` (the simulator answers after 50 ms; a backlog of events in the
/// listener or the simulator makes it grow by the second).
enum EndToEndBenchmark {
    /// The most the 99th percentile of scheduled → answer seen may be, in ms.
    static let maximumSetupP99 = 1000.0

    struct Step: Sendable {
        var rate: Double
        var sent: Int
        var achieved: Double
        /// 50th and 99th percentiles of scheduled → answer seen, ms.
        var setupP50: Double
        var setupP99: Double
        var answered: Int
        var failed: Int
        var lost: Int
        var blocked: Int
        var passed: Bool
        /// Other outcomes, e.g. `12 cancelled`.
        var other: String
        /// This process's CPU time (user + system) over the step, µs per call sent.
        var cpuMicrosPerCall: Double
        /// Events the listeners handled per call sent.
        var eventsPerCall: Double
        /// The simulators' CPU time over the step (their child process), µs per call sent.
        var simulatorMicrosPerCall: Double
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
                    + "setup p50 / p99 \(Format.number(step.setupP50)) / \(Format.number(step.setupP99)) ms, "
                    + "answered \(step.answered), failed \(step.failed), lost \(step.lost), blocked \(step.blocked), "
                    + "other \(step.other.isEmpty ? "0" : step.other); generator CPU "
                    + "\(Format.number(step.cpuMicrosPerCall)) µs/call, \(Format.number(step.eventsPerCall)) events/call; "
                    + "simulators' CPU \(Format.number(step.simulatorMicrosPerCall)) µs/call"
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

    /// The two simulated slaves, in a child process of their own (`--serve-sims`) so
    /// that their CPU is not the generator's, and the ports they listen on. Stop them
    /// with `closeInput()` and `wait()`.
    static func startSimulators() throws -> (process: Subprocess, ports: [Int]) {
        let sims = try Subprocess(arguments: ["--serve-sims"])
        let ports = try sims.readLine().split(separator: " ").dropFirst().compactMap { Int($0) }
        guard ports.count == 2 else {
            sims.closeInput()
            sims.wait()
            throw BenchError("the simulators did not start")
        }
        return (sims, ports)
    }

    static func run(rate: Double, seconds: Double) async throws -> Step {
        let password = "bench"
        let childrenBefore = HealthBenchmark.cpuSeconds(children: true)
        let (sims, ports) = try startSimulators()
        var simsRunning = true
        func stopSimulators() {
            guard simsRunning else { return }
            simsRunning = false
            sims.closeInput()
            sims.wait()
        }
        defer { stopSimulators() }
        let records = Mutex<(sent: [Int64], setup: [Int64])>(([], []))
        let plan = plan(
            rate: rate, seconds: seconds, holdSeconds: 1, limit: Int(rate * 4) + 1000, grace: 5,
            slaves: ports.map { ("127.0.0.1", $0) }, password: password)
        let cpuBefore = HealthBenchmark.cpuSeconds()
        let load = LoadRun(
            plan: plan,
            sinks: [ClosureSink(add: { record in
                records.withLock { records in
                    if let sent = record.sentAt { records.sent.append(sent) }
                    if record.outcome == .answered, let answered = record.answeredAt {
                        records.setup.append(answered - record.scheduledAt)
                    }
                }
            })])
        let result: LoadRun.Result
        do {
            result = try await load.run()
        } catch {
            throw BenchError("e2e at \(rate)/s: \(error)")
        }
        let cpu = HealthBenchmark.cpuSeconds() - cpuBefore
        stopSimulators()
        let simulatorCPU = HealthBenchmark.cpuSeconds(children: true) - childrenBefore

        let (sent, setup) = records.withLock { ($0.sent.sorted(), $0.setup.sorted()) }
        let answered = setup.count
        let achieved = Self.rate(of: sent)
        func percentile(_ p: Int) -> Double {
            setup.isEmpty ? 0 : Double(setup[min(setup.count - 1, setup.count * p / 100)]) / 1e6
        }
        let setupP50 = percentile(50)
        let setupP99 = percentile(99)
        let other = result.outcomes.filter { $0.key != .answered && $0.key != .failed && $0.key != .lost }
            .map { "\($0.value) \($0.key.rawValue)" }.sorted().joined(separator: ", ")
        let failed = result.outcomes[.failed] ?? 0
        let lost = result.outcomes[.lost] ?? 0
        let passed = failed == 0 && lost == 0 && result.blocked == 0 && answered == sent.count
            && achieved >= 0.99 * rate && Double(sent.count) >= 0.99 * rate * seconds
            && setupP99 <= Self.maximumSetupP99
        return Step(
            rate: rate, sent: sent.count, achieved: achieved, setupP50: setupP50, setupP99: setupP99, answered: answered, failed: failed, lost: lost,
            blocked: result.blocked, passed: passed, other: other,
            cpuMicrosPerCall: sent.isEmpty ? 0 : cpu / Double(sent.count) * 1e6,
            eventsPerCall: sent.isEmpty ? 0 : Double(result.eventsHandled) / Double(sent.count),
            simulatorMicrosPerCall: sent.isEmpty ? 0 : simulatorCPU / Double(sent.count) * 1e6)
    }

    /// Events per second over sorted times (ns): (n − 1) / (last − first).
    static func rate(of times: [Int64]) -> Double {
        guard times.count > 1, let first = times.first, let last = times.last, last > first else { return 0 }
        return Double(times.count - 1) / (Double(last - first) / 1e9)
    }
}
