import Foundation
import FreeSwitchSim
import LoadTest
import Synchronization

/// Whole runs in-process: a profile's `sim` slaves started here (as `switchy run`
/// does), a ``ManualRunClock`` for the run, and a sink that keeps what it is given.
final class RunSessionHarness: Sendable {
    /// Keeps every record and snapshot (on the record queue), for the assertions.
    final class Collector: RecordSink {
        private typealias Waiter = (count: Int, continuation: CheckedContinuation<Void, Never>)
        private let state = Mutex<(records: [CallRecord], snapshots: [LoadRun.Progress], finished: Int, waiters: [Waiter])>(
            ([], [], 0, []))
        func add(_ record: CallRecord) {
            let ready = state.withLock { state in
                state.records.append(record)
                let count = state.records.count
                let ready = state.waiters.filter { $0.count <= count }
                state.waiters.removeAll { $0.count <= count }
                return ready
            }
            for waiter in ready { waiter.continuation.resume() }
        }
        /// Returns once at least `count` records have arrived.
        func waitForRecords(_ count: Int) async {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let done = state.withLock { state in
                    if state.records.count >= count { return true }
                    state.waiters.append((count, continuation))
                    return false
                }
                if done { continuation.resume() }
            }
        }
        func progress(_ snapshot: LoadRun.Progress) { state.withLock { $0.snapshots.append(snapshot) } }
        func finish() { state.withLock { $0.finished += 1 } }
        var records: [CallRecord] { state.withLock { $0.records } }
        var snapshots: [LoadRun.Progress] { state.withLock { $0.snapshots } }
        var finished: Int { state.withLock { $0.finished } }
    }

    /// The engine's warnings, and a way to wait for one.
    final class Warnings: Sendable {
        private let state = Mutex<(seen: [String], waiters: [(prefix: String, continuation: CheckedContinuation<String, Never>)])>(([], []))
        func add(_ warning: String) {
            let ready = state.withLock { state in
                state.seen.append(warning)
                let ready = state.waiters.filter { warning.hasPrefix($0.prefix) }
                state.waiters.removeAll { warning.hasPrefix($0.prefix) }
                return ready.map(\.continuation)
            }
            for continuation in ready { continuation.resume(returning: warning) }
        }
        var all: [String] { state.withLock { $0.seen } }
        /// Returns the first warning starting with `prefix`, once there is one.
        func first(startingWith prefix: String) async -> String {
            await withCheckedContinuation { continuation in
                let seen = state.withLock { state -> String? in
                    if let seen = state.seen.first(where: { $0.hasPrefix(prefix) }) { return seen }
                    state.waiters.append((prefix, continuation))
                    return nil
                }
                if let seen { continuation.resume(returning: seen) }
            }
        }
    }

    let clock: ManualRunClock
    let collector = Collector()
    let warnings = Warnings()
    /// How long (s) the run said it would wait for its common start, each time.
    let starts = Warnings()
    let session: RunSession
    let results: URL
    /// The simulators, in the order of the profile's `sim` slaves (once the run started them).
    let sims = SimList()

    /// - Parameters:
    ///   - profile: JSON5 profile text with `sim` slaves.
    ///   - faults: the faults of the slave at each index.
    ///   - clock: the run's clock.
    ///   - simClock: the simulators' clock (their own real clock if nil).
    ///   - segment, startAt, wallClock: as ``RunSession``'s; the waits for `startAt`
    ///     are kept in ``starts``.
    init(
        _ profile: String, faults: [Int: SimFaults] = [:], clock: ManualRunClock = ManualRunClock(),
        simClock: (any SimClock)? = nil, segment: ExecutionSegment = .whole, startAt: Date? = nil,
        wallClock: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        self.clock = clock
        results = FileManager.default.temporaryDirectory.appendingPathComponent("switchy-session-\(UUID().uuidString)")
        let parsed = try Profile.parse(
            Array(profile.utf8), file: "session.json5", overrides: Profile.Overrides(outputDirectory: results.path))
        let box = sims
        let warnings = self.warnings
        let starts = self.starts
        session = RunSession(
            profile: parsed, clock: clock, sinks: [collector],
            startSimulators: { profile, password in
                var addresses: [Int: (host: String, port: Int)] = [:]
                for (index, slave) in profile.slaves.enumerated() {
                    guard case .simulated(let options) = slave.kind else { continue }
                    var configuration = SimConfiguration()
                    configuration.password = password
                    configuration.switchname = slave.label
                    configuration.profiles = [SofiaProfile(name: "external", sipIP: "127.0.0.1", sipPort: 5080 + index)]
                    configuration.timing.answerDelay = .fixed(options.answerDelay)
                    configuration.timing.ringDelay = .fixed(options.ringDelay)
                    configuration.timing.ringsBeforeAnswer = true
                    configuration.timing.sessionsPerSecond = options.sps
                    configuration.timing.idleCPU = options.idleCPU
                    configuration.timing.cpuPerSession = options.cpuPerSession
                    configuration.faults = faults[index] ?? SimFaults()
                    if let simClock { configuration.clock = simClock }
                    let sim = try SimSlave.start(configuration)
                    box.add(sim)
                    addresses[index] = ("127.0.0.1", sim.port)
                }
                return RunSession.Simulators(addresses: addresses) { box.stopAll() }
            }, observer: RunSession.Observer(warning: { warnings.add($0) }, waiting: { starts.add("\($0)") }),
            segment: segment, startAt: startAt, wallClock: wallClock)
    }

    /// Runs the session: waits until its scheduler and sweeper are armed, moves the
    /// run clock through the `offering` seconds (every call is offered on the way),
    /// then lets `afterOffering` move it on (a drain's grace) while the run ends.
    func run(
        offering seconds: Double, afterOffering: @escaping @Sendable (ManualRunClock) async -> Void = { _ in }
    ) async throws -> RunSession.Outcome {
        let clock = self.clock
        let session = self.session
        let run = Task {
            defer {
                // A run that failed before arming its timers must not leave the wait
                // below hanging: two timers far away release it.
                for _ in 0..<2 { clock.makeTimer {}.arm(at: .max) }
            }
            return try await session.run()
        }
        await clock.waitForArmedTimers(2)
        clock.advance(by: Int64(seconds * 1e9))
        await afterOffering(clock)
        return try await run.value
    }

    deinit { try? FileManager.default.removeItem(at: results) }
}

/// The simulators a harness started.
final class SimList: Sendable {
    private let sims = Mutex<[SimSlave]>([])
    func add(_ sim: SimSlave) { sims.withLock { $0.append(sim) } }
    subscript(index: Int) -> SimSlave { sims.withLock { $0[index] } }
    func stopAll() { for sim in sims.withLock({ $0 }) { sim.stop() } }
    var all: [SimSlave] { sims.withLock { $0 } }
}
