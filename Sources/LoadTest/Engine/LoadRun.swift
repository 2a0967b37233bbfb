import Foundation
import ESL
import Switchy
import Synchronization

/// One load run, from preflight to the last record (the engine; ``RunSession`` wraps
/// it with the profile, the simulators and the report files).
///
/// 1. Preflight: connect and authenticate to every slave (any failure ends the run
///    before the first call), read each slave's limits and the SIP address `{sip}`
///    stands for, check the limits, load the apps, build each slave's originate
///    commands, and only then apply `prepare` (each slave's previous values kept).
/// 2. Offer: the ``RateScheduler`` hands due calls to the originator, which sends
///    them; the listeners' events and the jobs' results close them in the
///    ``CallLedger``, which puts each finished ``CallRecord`` on the ``RecordQueue``,
///    the one serial path to the sinks. A sweep every second (a timer of the run
///    clock) closes overdue calls, asks each slave for its own figures
///    (``SlaveHealthSampler``) and queues a progress snapshot. With a hold time,
///    the run ends each answered call itself at the server's answer time + hold
///    (``HoldTimers``: `uuid_kill` on a control connection).
/// 3. Drain: after the last offer, wait on the run clock up to `grace` for calls to
///    end (woken as soon as none is left), then hang up what remains (`hupall …
///    switchy_run <run id>`: ours only; each call marked as hung up by the run, the
///    pending holds dropped), wait up to 5 s more, and record the rest; put back what
///    `prepare` changed; the run returns once every record has been through every
///    sink.
///
/// A slave that drops is marked down (its calls in flight are `lost`), the run goes on
/// with the others, and the slave is reconnected with backoff on the run clock; one
/// that refuses us when reconnecting stays down. ``interrupt()`` once stops offering
/// and drains; twice hangs up at once. Either way every offered call gets exactly one
/// record.
public final class LoadRun: Sendable {
    public let plan: RunPlan
    let clock: any RunClock
    let links: [SlaveLink]
    /// Each slave's listener, by slave name.
    private let listeners: [String: EventListener]
    let ledger: CallLedger
    let records: RecordQueue
    let counters: RunCounters
    /// When each answered call's hold is over (see ``wire(_:)``).
    let holdTimers: HoldTimers
    /// Each slave's own figures, read once a second (nil when the plan does not sample).
    let healthSampler: SlaveHealthSampler?
    private let whenEmpty: WakerSlot
    /// Woken when the run stops: ends the reconnects' waits.
    let stopped = Waker()
    /// When offering begins (`--start-at`), nil: at once after preflight.
    let commonStart: CommonStart?
    /// Woken by an interrupt or a stop: ends the wait for ``commonStart``.
    let startWaker = Waker()
    private let warn: @Sendable (String) -> Void
    /// Told of each due call, with its search step: offered, or blocked by the limit
    /// (``SearchJudge/due(step:offered:)``).
    private let onOffer: @Sendable (Int?, Bool) -> Void
    let state = Mutex(State())

    struct State {
        var running = false
        var offering = false
        var interrupts = 0
        /// ``stopOffering()`` was asked before the scheduler existed.
        var stopRequested = false
        var scheduler: RateScheduler?
        var sweeper: (any RunTimer)?
        /// The drain's wait for the grace period, ended early by a second interrupt.
        var drainWaker: Waker?
        var start: Int64 = 0
        var warnings: [String] = []
        var offeringDone = Waker()
        var offeringEnd: Int64?
        /// What `prepare` changed on the slaves, and whether it was put back.
        var prepared: [PreparedSetting] = []
    }

    /// - Parameters:
    ///   - sinks: receive every finished call record once, the per-second progress and
    ///     the end, in order, on the run's record queue.
    ///   - warn: called for each warning (also kept in the result).
    ///   - onOffer: called on the scheduler's queue for each due call, with its search
    ///     step (nil outside a search) and whether it was offered (false: blocked).
    ///   - commonStart: when offering begins (after preflight); nil: at once.
    public init(
        plan: RunPlan, clock: any RunClock = DispatchRunClock(), sinks: [any RecordSink],
        warn: @escaping @Sendable (String) -> Void = { _ in }, onOffer: @escaping @Sendable (Int?, Bool) -> Void = { _, _ in },
        commonStart: CommonStart? = nil
    ) {
        self.commonStart = commonStart
        self.onOffer = onOffer
        self.plan = plan
        self.clock = clock
        // Apps that only choose a target (park, echo) read no event: the slaves then
        // send only what the tracker reads.
        let trackingOnly = plan.apps.allSatisfy { !$0.app.receivesEvents }
        let expected = plan.expectedInFlightPerSlave
        let links = plan.slaves.enumerated().map { index, slave in
            SlaveLink(
                spec: slave, runID: plan.runID, controlConnections: plan.controlConnections, monitor: plan.sampleHealth,
                trackingOnly: trackingOnly, expectedInFlight: index < expected.count ? expected[index] : 0, clock: clock)
        }
        self.links = links
        self.healthSampler = plan.sampleHealth ? SlaveHealthSampler(links: links, connectTimeout: plan.connectTimeout) : nil
        self.listeners = Dictionary(links.map { ($0.name, $0.listener) }, uniquingKeysWith: { first, _ in first })
        let counters = RunCounters()
        let records = RecordQueue(sinks: sinks)
        let whenEmpty = WakerSlot()
        self.counters = counters
        self.records = records
        self.whenEmpty = whenEmpty
        self.ledger = CallLedger(
            slaves: plan.slaves.map(\.name), reserving: plan.expectedInFlightPerSlave, onEmpty: { whenEmpty.wake() }
        ) { record in
            counters.finished(record.outcome)
            if record.answeredAt != nil { counters.answeredCallEnded() }
            records.add(record)
        }
        self.warn = warn
        let ledger = self.ledger
        self.holdTimers = HoldTimers(clock: clock, reserving: plan.expectedInFlight ?? 0) { due, now in
            let link = links[due.slave]
            ledger.hangupRequested(due.callUUID, on: link.name, at: now)
            link.hangUp(due.callUUID)
        }
    }

    /// Runs to the end.
    /// - Throws: ``RunError`` when preflight fails; nothing is offered then.
    public func run() async throws(RunError) -> Result {
        guard !plan.slaves.isEmpty else { throw .invalidPlan("no slaves") }
        guard !plan.runID.isEmpty else { throw .invalidPlan("empty run id") }
        let startedAt = Date()
        try await preflight()
        let start = await waitForCommonStart()
        state.withLock {
            $0.running = true
            $0.offering = true
            $0.start = start
        }
        for link in links { link.markUp(at: start, note: "connected") }
        healthSampler?.listen()
        startSweeper(start: start)
        let originator = Originator(
            plan: plan, links: links, ledger: ledger, clock: clock, counters: counters,
            forget: { [weak self] lost in self?.forget(lost) }, onOffer: onOffer)
        let scheduler = RateScheduler(
            pacer: plan.pacer, clock: clock,
            onLaunch: { originator.launch($0) },
            onFinish: { [weak self] _ in self?.offeringFinished() })
        let (interruptedEarly, offeringDone) = state.withLock { state in
            state.scheduler = scheduler
            return (state.interrupts > 0 || state.stopRequested, state.offeringDone)
        }
        if interruptedEarly { offeringFinished() } else { scheduler.start(at: start) }
        await offeringDone.wait()
        await drain()
        holdTimers.stop()
        await restorePrepared()
        let sweeper = state.withLock { state in
            state.running = false
            return state.sweeper
        }
        stopped.wake()
        sweeper?.cancel()
        await healthSampler?.settled(within: 1)
        let health = healthSampler?.finish()
        let depthAtEnd = records.depth
        for link in links { link.sampleQueues() }
        emitProgress()
        records.finish()
        await records.delivered()
        for link in links { link.close() }
        var result = result(startedAt: startedAt, start: start, depthAtEnd: depthAtEnd)
        result.slaveHealth = health ?? SlaveHealth.Record()
        return result
    }

    /// Stops offering and drains (first call); hangs up at once (second call).
    public func interrupt() {
        let (count, scheduler, drainWaker) = state.withLock { state in
            state.interrupts += 1
            return (state.interrupts, state.scheduler, state.drainWaker)
        }
        startWaker.wake()
        if count == 1 { scheduler?.stop() }
        if count >= 2 { drainWaker?.wake() }
    }

    /// The slaves' own figures (``SlaveHealthSampler/figures(from:to:)``) for the run's
    /// seconds (`from`, `to`], for judges that read them while the run goes on; none
    /// when the health is not sampled.
    public func slaveFigures(from: Double, to: Double) -> [String: Double] {
        healthSampler?.figures(from: from, to: to) ?? [:]
    }

    /// Stops offering and drains, as a first ``interrupt()`` does, without marking the
    /// run interrupted: the run itself decided (a search's broken step, an aborting
    /// threshold). Later calls do nothing more.
    public func stopOffering() {
        let scheduler = state.withLock { state in
            state.stopRequested = true
            return state.scheduler
        }
        startWaker.wake()
        scheduler?.stop()
    }

    /// Calls in flight now.
    public var inFlight: Int { ledger.inFlight }

    func note(_ warning: String) {
        state.withLock { $0.warnings.append(warning) }
        warn(warning)
    }

    // MARK: Sweeping, draining

    private func startSweeper(start: Int64) {
        let tick = Mutex<Int64>(0)
        let timer = clock.makeTimer { [weak self] in
            guard let self else { return }
            self.forget(self.ledger.sweep(now: self.clock.now()))
            for link in self.links { link.sampleQueues() }
            let next = tick.withLock { $0 += 1; return $0 }
            self.healthSampler?.sample(second: Int(next - 1))
            self.emitProgress()
            if self.state.withLock({ $0.running }) {
                self.state.withLock { $0.sweeper }?.arm(at: start + next * 1_000_000_000)
            }
        }
        state.withLock { $0.sweeper = timer }
        timer.arm(at: start + 1_000_000_000)
        tick.withLock { $0 = 1 }
    }

    /// Calls given up on are forgotten by their listener too, call and job (the Job-UUID
    /// is the call's uuid): their late events (a stalled slave catching up) neither
    /// revive them nor stay in memory.
    func forget(_ lost: [CallLedger.Lost]) {
        for call in lost {
            holdTimers.cancel(call.callUUID)
            guard let listener = listeners[call.slave] else { continue }
            listener.forgetCall(call.callUUID)
            listener.jobTable.remove(call.callUUID)
        }
    }

    /// Queues a snapshot. Its rates are the summary's, over the offering time so far
    /// (frozen once offering stops), so the live line never disagrees with summary.json.
    private func emitProgress() {
        let now = clock.now()
        let (start, offering, offeringEnd) = state.withLock { ($0.start, $0.offering, $0.offeringEnd) }
        let elapsed = Double(now - start) / 1e9
        let offeringSeconds = Double((offeringEnd ?? now) - start) / 1e9
        let (offered, blocked) = counters.snapshot
        let counts = links.compactMap { $0.listener.heartbeat?.sessionCount }
        let inFlight = ledger.inFlight
        records.progress(
            Progress(
                elapsed: elapsed, targetRate: plan.pacer.targetRate(to: offeringSeconds), offered: offered,
                blocked: blocked, inFlight: inFlight, outcomes: counters.outcomes, offering: offering,
                heartbeatSessions: counts.isEmpty ? nil : counts.reduce(0, +), offeringSeconds: offeringSeconds,
                answersSeen: counters.answersSeen, callsUp: counters.callsUp(inFlight: inFlight), clockStart: start,
                offeredBy: ledger.offered, slaves: slavesNow()))
    }

    /// Each slave's state and latest figures: the health sampler's reading, else the
    /// latest HEARTBEAT's.
    private func slavesNow() -> [SlaveNow] {
        let readings = healthSampler?.latest() ?? []
        return links.enumerated().map { index, link in
            let reading = index < readings.count ? readings[index] : nil
            let heartbeat = link.listener.heartbeat
            return SlaveNow(
                name: link.name, up: link.isHealthy, sessions: reading?.sessions ?? heartbeat?.sessionCount,
                idleCPU: reading?.idleCPU ?? heartbeat?.idleCPU)
        }
    }

    private func offeringFinished() {
        let now = clock.now()
        let done = state.withLock { state in
            state.offering = false
            if state.offeringEnd == nil { state.offeringEnd = now }
            return state.offeringDone
        }
        done.wake()
    }

    private func drain() async {
        let grace = Waker()
        whenEmpty.set(grace)
        let interrupted = state.withLock { state in
            state.drainWaker = grace
            return state.interrupts >= 2
        }
        if interrupted || ledger.inFlight == 0 { grace.wake() }
        await clock.sleep(until: clock.now() + Int64(plan.grace * 1e9), unless: grace)
        if ledger.inFlight > 0 {
            // Ours only: never `hupall <cause> <var>` with an empty value (it hangs up
            // every call on the box). On every control connection, so that it comes after
            // each originate already sent on any of them (an originate still queued
            // behind it on another connection would outlive it).
            // The run ends these calls: they were not cut by anyone else. Holds still
            // pending are moot.
            holdTimers.stop()
            let now = clock.now()
            for link in links { ledger.hangupRequestedForAll(on: link.name, at: now) }
            for link in links where link.isHealthy {
                await link.client.apiOnEveryConnection("hupall MANAGER_REQUEST switchy_run \(plan.runID)")
            }
            let hangup = Waker()
            whenEmpty.set(hangup)
            if ledger.inFlight == 0 { hangup.wake() }
            await clock.sleep(until: clock.now() + 5_000_000_000, unless: hangup)
        }
        whenEmpty.set(nil)
        forget(ledger.finishAll(reason: "no end of call seen before the run ended"))
    }

    private func result(startedAt: Date, start: Int64, depthAtEnd: Int) -> Result {
        let (offered, blocked) = counters.snapshot
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let (interrupted, warnings, offeringEnd, prepared) = state.withLock {
            ($0.interrupts > 0, $0.warnings, $0.offeringEnd, $0.prepared)
        }
        var result = Result(
            startedAt: startedAt, endedAt: Date(), clockStart: start, offered: offered, blocked: blocked,
            outcomes: counters.outcomes, interrupted: interrupted,
            slaveEvents: Dictionary(uniqueKeysWithValues: links.map { ($0.name, $0.history) }),
            slaveStatus: Dictionary(uniqueKeysWithValues: links.compactMap { link in link.status.map { (link.name, $0) } }),
            heartbeats: Dictionary(uniqueKeysWithValues: links.compactMap { link in link.listener.heartbeat.map { (link.name, $0) } }),
            warnings: warnings, offeringSeconds: Double((offeringEnd ?? start) - start) / 1e9)
        result.prepared = prepared
        result.eventsHandled = links.reduce(0) { $0 + $1.listener.eventsHandled }
        result.cpuSeconds = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        result.peakResidentMB = Double(usage.ru_maxrss) / 1024  // ru_maxrss is in KiB on Linux
        result.recordQueueHighWater = records.highWaterMark
        result.recordQueueDepthAtEnd = depthAtEnd
        result.sendQueues = Dictionary(uniqueKeysWithValues: links.map { ($0.name, $0.queues) })
        return result
    }
}

/// The waker the ledger wakes when its last call closes: the drain's current wait.
final class WakerSlot: Sendable {
    private let current = Mutex<Waker?>(nil)
    func set(_ waker: Waker?) { current.withLock { $0 = waker } }
    func wake() { current.withLock { $0 }?.wake() }
}
