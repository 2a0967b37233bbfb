public import Foundation
import ESL
public import Switchy
import Synchronization

/// One load run, from preflight to the last record.
///
/// 1. Preflight: connect and authenticate to every slave (any failure ends the run
///    before the first call), apply `prepare`, read each slave's limits and the SIP
///    address `{sip}` stands for, load the apps, build each slave's originate commands.
/// 2. Offer: the ``RateScheduler`` hands due calls to the originator, which sends
///    them; the listeners' events close them in the ``CallLedger``, which streams
///    each finished ``CallRecord`` to the sink. A sweep every second closes overdue
///    calls and reports progress.
/// 3. Drain: after the last offer, wait up to `grace` for calls to end, then hang up
///    what remains (`hupall … switchy_run <run id>`: ours only) and record the rest.
///
/// A slave that drops is marked down (its calls in flight are `lost`), the run goes on
/// with the others, and the slave is reconnected with backoff; one that refuses us
/// when reconnecting stays down. ``interrupt()`` once stops offering and drains; twice
/// hangs up at once. Either way every offered call gets exactly one record.
public final class LoadRun: Sendable {
    /// A per-second picture of the run.
    public struct Progress: Sendable, Equatable {
        /// Seconds since the first offer could be made.
        public var elapsed: Double
        /// The pacer's rate now, calls/s.
        public var targetRate: Double
        public var offered: Int
        public var blocked: Int
        public var inFlight: Int
        /// Finished calls by outcome.
        public var outcomes: [CallRecord.Outcome: Int]
        /// False once offering has stopped (draining).
        public var offering: Bool
        /// Channels up on the slaves by their latest HEARTBEAT (`Session-Count`, summed;
        /// nil before the first heartbeat; FreeSWITCH sends one every 20 s by default).
        public var heartbeatSessions: Int? = nil
    }

    /// What a finished run reports beyond its records.
    public struct Result: Sendable {
        public var startedAt: Date
        public var endedAt: Date
        /// Monotonic ns of the run clock at the start (records' times are on this clock).
        public var clockStart: Int64
        public var offered: Int
        public var blocked: Int
        public var outcomes: [CallRecord.Outcome: Int]
        public var interrupted: Bool
        /// Slaves going down and up, by slave name.
        public var slaveEvents: [String: [SlaveEvent]]
        /// Each slave's limits as preflight read them.
        public var slaveStatus: [String: SlaveFacts.Status]
        /// Each slave's latest heartbeat.
        public var heartbeats: [String: Heartbeat]
        /// Warnings raised (limits that do not fit, …).
        public var warnings: [String]
        /// Seconds from the start until offering stopped.
        public var offeringSeconds: Double
        /// Calls the pacer made due while offering (offered + blocked).
        public var due: Int { offered + blocked }
        /// Events the listeners handled during the run.
        public var eventsHandled: Int = 0
        /// This process's CPU time (user + system) and peak resident memory at the end:
        /// the generator's own cost (embedded simulated slaves included).
        public var cpuSeconds: Double = 0
        public var peakResidentMB: Double = 0
    }

    public let plan: RunPlan
    private let clock: any RunClock
    private let links: [SlaveLink]
    private let ledger: CallLedger
    private let counters: RunCounters
    private let progress: @Sendable (Progress) -> Void
    private let warn: @Sendable (String) -> Void
    private let state = Mutex(State())

    private struct State {
        var running = false
        var offering = false
        var interrupts = 0
        var scheduler: RateScheduler?
        var sweeper: (any RunTimer)?
        var start: Int64 = 0
        var warnings: [String] = []
        var offeringDone: [CheckedContinuation<Void, Never>] = []
        var offeringFinished = false
        var offeringEnd: Int64?
    }

    /// - Parameters:
    ///   - sink: receives every finished call record, once, from whichever thread
    ///     finished it.
    ///   - progress: called about once a second.
    ///   - warn: called for each warning (also kept in the result).
    public init(
        plan: RunPlan, clock: any RunClock = DispatchRunClock(), sink: @escaping @Sendable (CallRecord) -> Void,
        progress: @escaping @Sendable (Progress) -> Void = { _ in }, warn: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.plan = plan
        self.clock = clock
        let links = plan.slaves.map { SlaveLink(spec: $0, runID: plan.runID, controlConnections: plan.controlConnections) }
        self.links = links
        let listeners = Dictionary(links.map { ($0.name, $0.listener) }, uniquingKeysWith: { first, _ in first })
        let counters = RunCounters()
        self.counters = counters
        self.ledger = CallLedger { record in
            // A call given up on is forgotten by its listener too: its late events (a
            // stalled slave catching up) neither revive it nor stay in memory.
            if record.outcome == .lost { listeners[record.slave]?.forgetCall(record.callUUID) }
            counters.finished(record.outcome)
            sink(record)
        }
        self.progress = progress
        self.warn = warn
    }

    /// Runs to the end.
    /// - Throws: ``RunError`` when preflight fails; nothing is offered then.
    public func run() async throws(RunError) -> Result {
        guard !plan.slaves.isEmpty else { throw .invalidPlan("no slaves") }
        guard !plan.runID.isEmpty else { throw .invalidPlan("empty run id") }
        let startedAt = Date()
        try await preflight()
        let start = clock.now()
        state.withLock {
            $0.running = true
            $0.offering = true
            $0.start = start
        }
        for link in links { link.markUp(at: start, note: "connected") }
        startSweeper(start: start)
        let originator = Originator(plan: plan, links: links, ledger: ledger, clock: clock, counters: counters)
        let scheduler = RateScheduler(
            pacer: plan.pacer, clock: clock,
            onLaunch: { originator.launch($0) },
            onFinish: { [weak self] _ in self?.offeringFinished() })
        let interruptedEarly = state.withLock { state in
            state.scheduler = scheduler
            return state.interrupts > 0
        }
        if interruptedEarly { offeringFinished() } else { scheduler.start() }
        await waitForOfferingToFinish()
        await drain()
        state.withLock { $0.running = false }
        let sweeper = state.withLock { $0.sweeper }
        sweeper?.cancel()
        emitProgress()
        for link in links { link.close() }
        let (offered, blocked) = counters.snapshot
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        var result = Result(
            startedAt: startedAt, endedAt: Date(), clockStart: start, offered: offered, blocked: blocked,
            outcomes: counters.outcomes, interrupted: state.withLock { $0.interrupts > 0 },
            slaveEvents: Dictionary(uniqueKeysWithValues: links.map { ($0.name, $0.history) }),
            slaveStatus: Dictionary(uniqueKeysWithValues: links.compactMap { link in link.status.map { (link.name, $0) } }),
            heartbeats: Dictionary(uniqueKeysWithValues: links.compactMap { link in link.listener.heartbeat.map { (link.name, $0) } }),
            warnings: state.withLock { $0.warnings },
            offeringSeconds: Double((state.withLock { $0.offeringEnd } ?? start) - start) / 1e9)
        result.eventsHandled = links.reduce(0) { $0 + $1.listener.eventsHandled }
        result.cpuSeconds = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        result.peakResidentMB = Double(usage.ru_maxrss) / 1024  // ru_maxrss is in KiB on Linux
        return result
    }

    /// Stops offering and drains (first call); hangs up at once (second call).
    public func interrupt() {
        let (count, scheduler) = state.withLock { state -> (Int, RateScheduler?) in
            state.interrupts += 1
            return (state.interrupts, state.scheduler)
        }
        if count == 1 { scheduler?.stop() }
    }

    /// Calls in flight now.
    public var inFlight: Int { ledger.inFlight }

    // MARK: Preflight

    private func preflight() async throws(RunError) {
        // Connect to all slaves at once; report the first failure in profile order.
        let failures: [Int: ESLError] = await withTaskGroup(of: (Int, ESLError?).self) { group in
            for (index, link) in links.enumerated() {
                group.addTask {
                    do throws(ESLError) {
                        try await link.connect(timeout: self.plan.connectTimeout)
                        return (index, nil)
                    } catch {
                        return (index, error)
                    }
                }
            }
            var failures: [Int: ESLError] = [:]
            for await (index, error) in group { if let error { failures[index] = error } }
            return failures
        }
        if let first = failures.keys.min(), let error = failures[first] {
            for link in links { link.close() }
            throw .connect(slave: links[first].name, error)
        }
        for link in links { wire(link) }
        for link in links {
            do {
                // `prepare` is for real slaves; a simulated one has its own `sim.sps` and
                // `sim.max_sessions`.
                if !link.spec.simulated {
                    if let sps = plan.prepareSessionsPerSecond { _ = try await link.client.cmd("fsctl sps \(sps)") }
                    if let max = plan.prepareMaxSessions { _ = try await link.client.cmd("fsctl max_sessions \(max)") }
                }
                try await link.prepare(plan: plan)
                try checkLimits(link)
                for app in plan.apps { try await link.client.loadApp(app.app, id: AppID(rawValue: app.name)) }
            } catch {
                for link in links { link.close() }
                if let error = error as? RunError { throw error }
                throw .preflight(slave: link.name, reason: "\(error)")
            }
        }
    }

    /// Warns (or refuses) when a slave's share of the plan exceeds its limits.
    private func checkLimits(_ link: SlaveLink) throws(RunError) {
        guard let status = link.status else { return }
        let totalWeight = Double(links.reduce(0) { $0 + max(0, $1.spec.weight) })
        let share = totalWeight > 0 ? Double(link.spec.weight) / totalWeight : 1
        // A call to the slave's own SIP address ({sip}) is two sessions on it: the
        // outbound leg and the inbound one (FreeSWITCH counts both).
        let sessionsPerCall = link.spec.call.dest.contains("{sip}") ? 2.0 : 1.0
        let peakSessions = peakTargetRate() * share * sessionsPerCall
        var problems: [String] = []
        if let sps = status.maxSessionsPerSecond, peakSessions > Double(sps) * 0.95 {
            problems.append(
                "its share of the peak rate needs \(format(peakSessions)) sessions/s"
                    + (sessionsPerCall > 1 ? " (a call to itself is 2 sessions)" : "")
                    + ", over its sessions-per-second limit (\(sps)); raise it with "
                    + (link.spec.simulated ? "its sim.sps" : "prepare.sps or `fsctl sps`"))
        }
        if let max = status.maxSessions, let limit = plan.limit, Double(limit) * share * sessionsPerCall > Double(max) {
            problems.append(
                "its share of the call limit needs \(format(Double(limit) * share * sessionsPerCall)) sessions, "
                    + "over its max-sessions (\(max))")
        }
        guard !problems.isEmpty else { return }
        let text = problems.joined(separator: "; ")
        if plan.refuseWhenOverLimits { throw .overLimits(slave: link.name, reason: text) }
        note("\(link.name): \(text)")
    }

    private func peakTargetRate() -> Double {
        switch plan.pacer.curve {
        case .constant(let rate): rate
        case .linear(let from, let to, _): max(from, to)
        case .stepped(let stages): stages.map(\.rate).max() ?? 0
        }
    }

    // MARK: Events from the slaves

    private func wire(_ link: SlaveLink) {
        let ledger = self.ledger
        let clock = self.clock
        link.listener.onCallEnded { call in ledger.callEnded(call, at: clock.now()) }
        link.listener.on("BACKGROUND_JOB") { event, _ in
            guard let uuid = event.jobUUID else { return }
            ledger.jobDone(uuid, body: event.body ?? "", at: clock.now(), channelExists: link.listener.calls[uuid] != nil)
        }
        link.listener.onDisconnect { [weak self] error in self?.slaveDown(link, reason: error.description) }
    }

    private func slaveDown(_ link: SlaveLink, reason: String) {
        guard state.withLock({ $0.running }), link.markDown(at: clock.now(), reason: reason) else { return }
        note("\(link.name) went down: \(reason); its calls in flight are lost; reconnecting")
        ledger.slaveLost(link.name, reason: "\(link.name) went down: \(reason)")
        link.client.close()
        Task { await reconnect(link) }
    }

    private func reconnect(_ link: SlaveLink) async {
        var delay = 0.5
        while state.withLock({ $0.running }) {
            try? await Task.sleep(for: .seconds(delay))
            guard state.withLock({ $0.running }) else { return }
            do throws(ESLError) {
                try await link.connect(timeout: plan.connectTimeout)
                link.markUp(at: clock.now(), note: "reconnected")
                note("\(link.name) is back")
                return
            } catch {
                switch error {
                case .authenticationFailed, .rejectedByACL:
                    note("\(link.name) refused the reconnection (\(error)); it stays down for the rest of the run")
                    return
                default:
                    delay = min(delay * 2, 10)
                }
            }
        }
    }

    // MARK: Offering, sweeping, draining

    private func startSweeper(start: Int64) {
        let tick = Mutex<Int64>(0)
        let timer = clock.makeTimer { [weak self] in
            guard let self else { return }
            self.ledger.sweep(now: self.clock.now())
            self.emitProgress()
            let next = tick.withLock { $0 += 1; return $0 }
            if self.state.withLock({ $0.running }) {
                self.state.withLock { $0.sweeper }?.arm(at: start + next * 1_000_000_000)
            }
        }
        state.withLock { $0.sweeper = timer }
        timer.arm(at: start + 1_000_000_000)
        tick.withLock { $0 = 1 }
    }

    private func emitProgress() {
        let (start, offering) = state.withLock { ($0.start, $0.offering) }
        let elapsed = Double(clock.now() - start) / 1e9
        let (offered, blocked) = counters.snapshot
        progress(
            Progress(
                elapsed: elapsed, targetRate: offering ? plan.pacer.rate(at: elapsed) : 0, offered: offered,
                blocked: blocked, inFlight: ledger.inFlight, outcomes: counters.outcomes, offering: offering,
                heartbeatSessions: heartbeatSessions()))
    }

    private func heartbeatSessions() -> Int? {
        let counts = links.compactMap { $0.listener.heartbeat?.sessionCount }
        return counts.isEmpty ? nil : counts.reduce(0, +)
    }

    private func offeringFinished() {
        let now = clock.now()
        let waiters = state.withLock { state in
            state.offering = false
            if state.offeringEnd == nil { state.offeringEnd = now }
            state.offeringFinished = true
            defer { state.offeringDone = [] }
            return state.offeringDone
        }
        for waiter in waiters { waiter.resume() }
    }

    private func waitForOfferingToFinish() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state in
                if !state.offeringFinished { state.offeringDone.append(continuation) }
                return state.offeringFinished
            }
            if done { continuation.resume() }
        }
    }

    private func drain() async {
        let deadline = clock.now() + Int64(plan.grace * 1e9)
        while ledger.inFlight > 0, clock.now() < deadline, state.withLock({ $0.interrupts < 2 }) {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if ledger.inFlight > 0 {
            // Ours only: never `hupall <cause> <var>` with an empty value (it hangs up
            // every call on the box).
            for link in links where link.isHealthy {
                _ = try? await link.client.cmd("hupall MANAGER_REQUEST switchy_run \(plan.runID)")
            }
            let hangupDeadline = clock.now() + 5_000_000_000
            while ledger.inFlight > 0, clock.now() < hangupDeadline {
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        ledger.finishAll(reason: "no end of call seen before the run ended")
    }

    private func note(_ warning: String) {
        state.withLock { $0.warnings.append(warning) }
        warn(warning)
    }

    private func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
