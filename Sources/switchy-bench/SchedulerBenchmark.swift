import Foundation
import LoadTest
import Synchronization

/// `scheduler_lag_p99_ms` and `rate_error_pct`: the real `RateScheduler`, `Pacer` and
/// `DispatchRunClock` at a constant rate, with a sink that only records each launch's
/// lag (clock now − the call's ideal time) and counts it. Run as the generator runs
/// (the scheduler's thread asks for `SCHED_FIFO`, then nice −10) or with `realTime`
/// off (nice −10 only), and quiet or beside a ``CPUHog``.
enum SchedulerBenchmark {
    struct Result: Sendable {
        /// 99th percentile of the lag, ms.
        var lagP99: Double
        /// |launched − rate × seconds| / (rate × seconds), in %.
        var rateErrorPercent: Double
        var launched: Int
    }

    static func run(rate: Double, seconds: Double, realTime: Bool = true) async -> Result {
        let clock = DispatchRunClock(realTimeScheduler: realTime)
        let expected = Int((rate * seconds).rounded())
        let lags = LagRecorder(capacity: expected + 1024)
        let finished = Finished()
        let launchedCount = Mutex(0)
        let scheduler = RateScheduler(
            pacer: Pacer(curve: .constant(rate), endTime: seconds), clock: clock,
            onLaunch: { launch in
                lags.record(clock.now() - launch.scheduledAt)
                return true
            },
            onFinish: { launched in
                launchedCount.withLock { $0 = launched }
                finished.signal()
            })
        scheduler.start()
        await finished.wait()
        let launched = launchedCount.withLock { $0 }
        let sorted = lags.values.sorted()
        let p99 = sorted.isEmpty ? 0 : Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))]) / 1e6
        let error = Double(abs(launched - expected)) / Double(expected) * 100
        return Result(lagP99: p99, rateErrorPercent: error, launched: launched)
    }
}

/// Lags in ns, appended from the timer's queue (one thread at a time).
final class LagRecorder: Sendable {
    private let storage: Mutex<[Int64]>

    init(capacity: Int) {
        var values: [Int64] = []
        values.reserveCapacity(capacity)
        storage = Mutex(values)
    }

    func record(_ lag: Int64) { storage.withLock { $0.append(lag) } }

    var values: [Int64] { storage.withLock { $0 } }
}

/// A CPU-bound process beside the benchmark (`yes` writing to `/dev/null`, not pinned:
/// the kernel puts it where it likes, as other work on the machine would be), so that
/// the scheduler's figure is also taken with the other core busy.
/// `@unchecked`: `Process` is not annotated `Sendable`; it is used from one task.
final class CPUHog: @unchecked Sendable {
    private let process = Process()

    init() throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/yes")
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// Ends it with SIGKILL: a child started from a pool thread inherits that thread's
    /// blocked signals, SIGTERM among them, so `terminate()` would leave it running.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
