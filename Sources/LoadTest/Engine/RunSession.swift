public import Foundation
import Synchronization

/// A whole `switchy run`, as the library's composition root: starts the profile's
/// simulated slaves (through an injected closure, so this module does not depend on
/// the simulator), builds the plan, opens the run's folder, runs the ``LoadRun`` with
/// the report's sinks, the judges that may stop it (``SearchJudge`` for a
/// `load.search`, ``AbortJudge`` for aborting thresholds) and the caller's, evaluates
/// the thresholds and writes every report. The executable only parses arguments, prints and maps the outcome to an
/// exit code.
///
/// ```swift
/// let session = RunSession(profile: profile, sinks: [progressView])
/// let outcome = try await session.run()
/// exit(outcome.summary.passed ? 0 : 1)
/// ```
public final class RunSession: Sendable {
    /// The profile's simulated slaves, started: where each listens by slave index
    /// (its position in the profile), and how to stop them all.
    public struct Simulators: Sendable {
        public var addresses: [Int: (host: String, port: Int)]
        public var stop: @Sendable () -> Void

        public init(addresses: [Int: (host: String, port: Int)], stop: @escaping @Sendable () -> Void) {
            self.addresses = addresses
            self.stop = stop
        }
    }

    /// Starts the simulated slaves of a profile, all with `password`.
    public typealias StartSimulators = @Sendable (_ profile: Profile, _ password: String) throws -> Simulators

    /// What the caller hears about while the run goes.
    public struct Observer: Sendable {
        /// The plan is ready and the run about to connect: its run id and slave count.
        public var started: @Sendable (_ runID: String, _ slaves: Int) -> Void
        /// A warning of the engine (a slave down, limits that do not fit …).
        public var warning: @Sendable (String) -> Void
        /// The results folder or `calls.csv` was removed or cannot be written (once).
        public var folderProblem: @Sendable (String) -> Void
        /// The slaves are ready and the run now waits this many seconds for its common
        /// start (`startAt`).
        public var waiting: @Sendable (Double) -> Void

        public init(
            started: @escaping @Sendable (String, Int) -> Void = { _, _ in },
            warning: @escaping @Sendable (String) -> Void = { _ in },
            folderProblem: @escaping @Sendable (String) -> Void = { _ in },
            waiting: @escaping @Sendable (Double) -> Void = { _ in }
        ) {
            self.started = started
            self.warning = warning
            self.folderProblem = folderProblem
            self.waiting = waiting
        }
    }

    /// A finished run.
    public struct Outcome: Sendable {
        public var summary: RunSummary
        public var result: LoadRun.Result
        /// Where the reports are (the run's folder, or the fallback folder).
        public var directory: URL
        /// Why the reports are not in the run's folder (nil when they are).
        public var fallbackReason: String?
    }

    /// Why a run did not produce its reports.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        /// The injected ``StartSimulators`` threw.
        case simulators(any Error)
        /// The plan could not be built from the profile and the simulators.
        case plan(RunError)
        /// The run's folder cannot be created.
        case reportFolder(ReportError)
        /// Preflight failed (nothing was offered).
        case run(RunError)
        /// The reports could not be written, not even to the fallback folder.
        case reports(directory: URL, reason: String)

        public var description: String {
            switch self {
            case .simulators(let error): "\(error)"
            case .plan(let error), .run(let error): "\(error)"
            case .reportFolder(let error): "\(error)"
            case .reports(let directory, let reason): "could not write the reports in \(directory.path): \(reason)"
            }
        }
    }

    public let profile: Profile
    /// The run's id (`switchy_run` on its calls).
    public let runID: String
    /// The share of the scenario this run makes.
    public let segment: ExecutionSegment
    /// The id shared with the other segments (nil for a whole run not given one).
    public let runGroup: String?
    /// When offering begins (after preflight), nil: at once.
    public let startAt: Date?
    private let wallClock: @Sendable () -> Date
    private let thresholds: [Threshold]
    /// Why one of the profile's thresholds is not a rule (nil when all are).
    private let thresholdProblem: String?
    private let clock: any RunClock
    private let sinks: [any RecordSink]
    private let startSimulators: StartSimulators?
    private let fallbackBase: URL?
    private let observer: Observer
    private let state = Mutex<(load: LoadRun?, interrupts: Int, first: (reason: String, time: Int64)?)>((nil, 0, nil))

    /// - Parameters:
    ///   - thresholds: rules added to the profile's (without any, the run is judged by
    ///     ``Threshold/defaults``).
    ///   - clock: the run clock (a ``ManualRunClock`` in tests).
    ///   - sinks: more record sinks (a progress view), after the report's own.
    ///   - startSimulators: starts the profile's `sim` slaves; nil when it has none.
    ///   - fallbackBase: where the reports go when the results folder is gone or
    ///     cannot be written at the end (nil: the run fails instead).
    ///   - segment: the share of the scenario to make (``ExecutionSegment``).
    ///   - runGroup: the id the segments share; nil: ``RunGroup/derived(profile:startAt:)``
    ///     for a segment, none for a whole run.
    ///   - startAt: when offering begins, after preflight (`--start-at`); the wait is
    ///     on `clock`, `wallClock` says how far off the time is.
    public init(
        profile: Profile, thresholds: [Threshold] = [], runID: String? = nil, clock: any RunClock = DispatchRunClock(),
        sinks: [any RecordSink] = [], startSimulators: StartSimulators? = nil, fallbackBase: URL? = nil,
        observer: Observer = Observer(), segment: ExecutionSegment = .whole, runGroup: String? = nil, startAt: Date? = nil,
        wallClock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.profile = profile
        self.segment = segment
        self.runGroup = runGroup ?? (segment.isWhole ? nil : RunGroup.derived(profile: profile, startAt: startAt))
        self.startAt = startAt
        self.wallClock = wallClock
        // A loaded profile's thresholds were checked by the reader; one built in code is
        // checked here, and a bad rule fails the run before anything starts.
        var parsed: [Threshold] = []
        var problem: String?
        for text in profile.thresholds {
            do { parsed.append(try Threshold(text)) } catch {
                problem = problem ?? "thresholds: \(error)"
            }
        }
        self.thresholds = parsed + thresholds
        self.thresholdProblem = problem
        self.runID = runID ?? Self.newRunID()
        self.clock = clock
        self.sinks = sinks
        self.startSimulators = startSimulators
        self.fallbackBase = fallbackBase
        self.observer = observer
    }

    /// A fresh run id, `run-` and 8 hex digits: what a session without one given takes
    /// (a caller that needs the id before the session exists makes it here).
    public static func newRunID() -> String {
        "run-" + String(UUID().uuidString.lowercased().prefix(8))
    }

    /// Runs to the end and writes the reports.
    public func run() async throws(Failure) -> Outcome {
        if let thresholdProblem { throw .plan(.invalidPlan(thresholdProblem)) }
        let password = "sim-" + String(UUID().uuidString.prefix(8))
        var simulators = Simulators(addresses: [:], stop: {})
        if let startSimulators {
            do { simulators = try startSimulators(profile, password) } catch {
                throw .simulators(error)
            }
        }
        defer { simulators.stop() }
        var plan: RunPlan
        do {
            plan = try profile.runPlan(
                runID: runID, simulated: simulators.addresses, simulatedPassword: password, segment: segment)
        } catch {
            throw .plan(error)
        }
        plan.runGroup = runGroup
        let mapping = WallClockMapping(
            monotonicStart: clock.now(), unixMicrosecondsStart: Int64(Date().timeIntervalSince1970 * 1_000_000))
        let report: RunReport
        do { report = try RunReport(base: profile.report.directory, name: profile.name, start: Date(), clock: mapping) } catch {
            throw .reportFolder(error)
        }
        let observer = self.observer
        let watch = ClosureSink(progress: { _ in
            if let problem = report.newFolderProblem() { observer.folderProblem(problem) }
        })
        let search = plan.search.map { search in
            SearchJudge(plan: search) { [weak self] reason in self?.stopOffering(because: "search: \(reason); stopping") }
        }
        let abort = plan.aborts.isEmpty ? nil : AbortJudge(rules: plan.aborts, pacer: plan.pacer) { [weak self] fired in
            self?.stopOffering(because: "aborting: threshold \(fired)")
        }
        let judges: [any RecordSink] = [search as (any RecordSink)?, abort].compactMap { $0 }
        let commonStart = startAt.map { date in
            LoadRun.CommonStart(
                // Within ±30 years, so the nanoseconds fit an Int64.
                deadline: clock.now() + Int64((min(max(date.timeIntervalSince(wallClock()), -1e9), 1e9) * 1e9).rounded()),
                label: RFC3339.string(from: date), waiting: observer.waiting)
        }
        let load = LoadRun(
            plan: plan, clock: clock, sinks: [report, watch] + judges + sinks, warn: observer.warning,
            onOffer: { step, offered in search?.due(step: step, offered: offered) }, commonStart: commonStart)
        // The judges read the slaves' own figures (slave_idle_cpu.min …) as the run has them.
        let figures: SearchJudge.SlaveFigures = { [weak load] from, to in load?.slaveFigures(from: from, to: to) ?? [:] }
        search?.readSlaves(figures)
        abort?.readSlaves(figures)
        let interrupts = state.withLock { state in
            state.load = load
            return state.interrupts
        }
        for _ in 0..<interrupts { load.interrupt() }
        observer.started(runID, plan.slaves.count)

        let result: LoadRun.Result
        do { result = try await load.run() } catch {
            try? FileManager.default.removeItem(at: report.directory)
            throw .run(error)
        }
        let interruption = state.withLock { $0.first }.map { first in
            // To the ms: when a person pressed Ctrl-C needs no more.
            RunSummary.Interruption(
                reason: first.reason, atSecond: (Double(max(0, first.time - result.clockStart)) / 1e6).rounded() / 1e3)
        }
        do {
            let summary = try report.finish(
                result: result, plan: plan, profile: profile, thresholds: thresholds,
                interruption: result.interrupted ? interruption : nil, search: search?.summary, abort: abort?.fired,
                junit: profile.report.formats.contains(.junit), html: profile.report.formats.contains(.html),
                fallbackBase: fallbackBase)
            return Outcome(summary: summary, result: result, directory: report.writtenTo, fallbackReason: report.fallbackReason)
        } catch {
            throw .reports(directory: report.directory, reason: "\(error)")
        }
    }

    /// Stops offering because the run decided to (a search's broken step, an aborting
    /// threshold): says why as a warning, then stops the run off the record queue's
    /// thread (a sink must not call into the run).
    private func stopOffering(because reason: String) {
        observer.warning(reason)
        let load = state.withLock { $0.load }
        DispatchQueue.global().async { load?.stopOffering() }
    }

    /// Stops offering and drains (first call); hangs up at once (second call). The
    /// first call's `reason` (`SIGINT (Ctrl-C)`) and time are the run's interruption
    /// in its reports.
    public func interrupt(reason: String = "interrupted") {
        let now = clock.now()
        let load = state.withLock { state in
            state.interrupts += 1
            if state.first == nil { state.first = (reason, now) }
            return state.load
        }
        load?.interrupt()
    }
}
