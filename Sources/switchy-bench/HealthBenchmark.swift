import Foundation
import LoadTest
import Switchy
import Synchronization

/// What the slaves' health sampling costs (issue 15 §2): full runs at a rate against
/// two simulated slaves in this process, the same run with and without
/// ``RunPlan/sampleHealth``, alternating so that background load hits both alike. Each
/// run reports this process's CPU time over the run (generator and simulators: the
/// simulators answer the `status` reads too), the 99th percentile of `schedule_lag_ms`
/// and of scheduled → answer seen, and how many seconds had a reading.
enum HealthBenchmark {
    struct Result: Sendable {
        var sampled: Bool
        var sent: Int
        var cpuSeconds: Double
        /// 99th percentiles, ms.
        var lagP99: Double
        var setupP99: Double
        /// Per-slave seconds with a reading, and without one.
        var samples: Int
        var missed: Int
    }

    static func run(rate: Double, seconds: Double, sampled: Bool) async throws -> Result {
        let password = "bench"
        let sims = try EndToEndBenchmark.startSlaves(password: password)
        defer { for sim in sims { sim.stop() } }
        let times = Mutex<(lag: [Int64], setup: [Int64])>(([], []))
        var plan = EndToEndBenchmark.plan(
            rate: rate, seconds: seconds, holdSeconds: 1, limit: Int(rate * 5) + 1000, grace: 10,
            slaves: sims.map { ("127.0.0.1", $0.port) }, password: password)
        plan.sampleHealth = sampled
        let load = LoadRun(
            plan: plan,
            sinks: [ClosureSink(add: { record in
                times.withLock { times in
                    if let sent = record.sentAt { times.lag.append(sent - record.scheduledAt) }
                    if record.outcome == .answered, let answered = record.answeredAt {
                        times.setup.append(answered - record.scheduledAt)
                    }
                }
            })])
        let before = cpuSeconds()
        let result: LoadRun.Result
        do {
            result = try await load.run()
        } catch {
            throw BenchError("health at \(rate)/s: \(error)")
        }
        let cpu = cpuSeconds() - before
        let (lag, setup) = times.withLock { ($0.lag.sorted(), $0.setup.sorted()) }
        func p99(_ values: [Int64]) -> Double { values.isEmpty ? 0 : Double(values[values.count * 99 / 100]) / 1e6 }
        let rows = result.slaveHealth.rows
        return Result(
            sampled: sampled, sent: lag.count, cpuSeconds: cpu, lagP99: p99(lag), setupP99: p99(setup),
            samples: rows.filter(\.isSampled).count, missed: rows.filter { !$0.isSampled }.count)
    }

    /// The CPU time (µs of this process: client, simulator and parsing together) of one
    /// read as the sampler makes it — `api status` on a connection of its own, the
    /// reply parsed by ``SlaveHealth/Status`` — over `reads` reads one after another on
    /// an idle simulated slave; and the reads per second that makes.
    static func readCost(reads: Int) async throws -> (cpuMicroseconds: Double, perSecond: Double) {
        let sims = try EndToEndBenchmark.startSlaves(count: 1, password: "bench")
        defer { for sim in sims { sim.stop() } }
        let client = Client(host: "127.0.0.1", port: sims[0].port, password: "bench")
        try await client.connect()
        defer { client.close() }
        let before = cpuSeconds()
        let start = Clock.nanoseconds()
        var parsed = 0
        for _ in 0..<reads {
            let status = SlaveHealth.Status(parsing: try await client.api("status").body ?? "")
            if status.idleCPU != nil { parsed += 1 }
        }
        let elapsed = Double(Clock.nanoseconds() - start) / 1e9
        guard parsed == reads else { throw BenchError("health: \(reads - parsed) of \(reads) status replies had no idle CPU") }
        return ((cpuSeconds() - before) / Double(reads) * 1e6, Double(reads) / elapsed)
    }

    /// This process's user + system CPU time, s.
    /// CPU time (user + system) of this process, or with `children` of its children
    /// that have ended and been waited for.
    static func cpuSeconds(children: Bool = false) -> Double {
        var usage = rusage()
        getrusage(children ? RUSAGE_CHILDREN.rawValue : RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
