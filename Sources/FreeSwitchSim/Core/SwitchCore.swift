import Foundation
import Synchronization

/// Receives the events a simulated core fires (one per ESL connection).
protocol EventSink: AnyObject {
    /// Called under the core's lock; must only queue, never block.
    func offer(_ event: SimEvent)
    /// Wakes the connection's thread (after a manual clock advance).
    func wake()
}

/// The heart of one simulated FreeSWITCH: channels, limits, timers and event fan-out.
///
/// Every piece of state is guarded by `lock`; public entry points take it, and the
/// methods in the `SwitchCore+…` extensions expect it held. Events are offered to the
/// connections' queues while the lock is held, so their order is the firing order.
final class SwitchCore: @unchecked Sendable {
    let lock = NSCondition()
    let clock: any SimClock
    let profiles: [SofiaProfile]
    let gateways: [String]
    let heartbeatInterval: Double
    /// When the slave started (µs): the origin of the fault times and the throttle's seconds.
    let startedAt: Int64
    /// When this FreeSWITCH last (re)started (µs): the origin of its uptime.
    var bootedAt: Int64
    let password: String

    var timing: SimTiming
    /// The RTP model.
    let media: SimMedia
    /// The faults injected now. Kept under a lock of their own: the connection threads
    /// read them before every write, and must not wait for the core lock to do so (the
    /// core may hold it for a whole second's worth of hangups).
    var faults: SimFaults {
        get { sharedFaults.withLock { $0 } }
        set { sharedFaults.withLock { $0 = newValue } }
    }
    private let sharedFaults: Mutex<SimFaults>
    var factory: EventFactory
    var random: SimRandom
    var timers = TimerQueue()
    var channels: [String: Channel] = [:]
    /// Tasks waiting for the channel count to reach a condition (``SimSlave/waitUntil(channelCount:)``),
    /// checked each time the lock is released after a change.
    var channelWatchers: [(ready: @Sendable (Int) -> Bool, continuation: CheckedContinuation<Void, Never>)] = []
    /// Event streams that have begun a `stall_after_events` stall, and the tasks waiting
    /// for one to (``SimSlave/waitUntilStalled()``).
    var stalls = 0
    var stallWatchers: [CheckedContinuation<Void, Never>] = []
    /// Channel uuids in creation order (for `show channels`).
    var channelOrder: [String] = []
    var sinks: [ObjectIdentifier: any EventSink] = [:]
    var throttle: Throttle
    var sessionID = 0
    var taskID = 1
    private var running = true
    /// Where the core is in its life (see `SwitchCore+Shutdown.swift`).
    var lifecycle = Lifecycle.running
    /// Set once a graceful shutdown has queued its last event: every connection then
    /// writes what it has, the notice, and closes. Read without the core lock.
    let isDown = Atomic<Bool>(false)
    /// Originates refused while going down, answered when the modules unload.
    var refusedJobs: [PendingJob] = []
    /// Called (lock held) when a graceful shutdown closes the sockets.
    var onDown: (() -> Void)?
    /// Every channel event carries the variables (as every one does in capture 24
    /// once the shutdown has begun).
    var verboseEvents = false
    /// The `shutdown_at` fault's timer, while it is pending.
    var faultShutdownTimer: UInt64?
    /// Set once a drop fault has closed a connection (for ``SimFaults/refuseReconnect``).
    let dropped = Atomic<Bool>(false)
    /// Set once a connection has written the malformed frame of
    /// ``SimFaults/malformedFrameAfterEvents`` (it is written once per slave).
    let malformedWritten = Atomic<Bool>(false)

    init(configuration: SimConfiguration) {
        clock = configuration.clock
        profiles = configuration.profiles
        gateways = configuration.gateways
        heartbeatInterval = configuration.heartbeatInterval
        password = configuration.password
        timing = configuration.timing
        media = configuration.media
        sharedFaults = Mutex(configuration.faults)
        random = SimRandom(seed: configuration.timing.seed)
        let identity = SwitchIdentity(
            coreUUID: configuration.coreUUID, hostname: configuration.hostname, switchname: configuration.switchname,
            ipv4: configuration.ipv4, ipv6: configuration.ipv6)
        factory = EventFactory(identity: identity)
        startedAt = configuration.clock.nowMicroseconds
        bootedAt = startedAt
        throttle = Throttle(
            sessionsPerSecond: configuration.timing.sessionsPerSecond, maxSessions: configuration.timing.maxSessions,
            second: 0)
    }

    /// Starts the timer driver: a thread for the system clock, advance callbacks for a
    /// manual one. Schedules the heartbeat.
    func start() {
        locked {
            if heartbeatInterval > 0 { scheduleHeartbeat() }
            scheduleFaultShutdown()
        }
        if clock.isManual {
            clock.onAdvance { [weak self] in self?.runDueTimers() }
        } else {
            let thread = Thread { [self] in timerLoop() }
            thread.name = "sim-core timers"
            thread.start()
        }
    }

    func stop() {
        locked {
            running = false
            lock.broadcast()
        }
    }

    /// Runs `body` with the lock held.
    func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer {
            notifyChannelWatchers()
            lock.unlock()
        }
        return try body()
    }

    /// Resumes the watchers whose condition the channel count now meets (lock held;
    /// resuming only schedules their tasks).
    func notifyChannelWatchers() {
        guard !channelWatchers.isEmpty else { return }
        let count = channels.count
        channelWatchers.removeAll { watcher in
            guard watcher.ready(count) else { return false }
            watcher.continuation.resume()
            return true
        }
    }

    /// An event stream began its stall: wakes the tasks waiting for one (lock held).
    func noteStall() {
        stalls += 1
        for watcher in stallWatchers { watcher.resume() }
        stallWatchers = []
    }

    // MARK: Time

    /// Now, in µs (unticked).
    var now: Int64 { clock.nowMicroseconds }
    /// The throttle's second: its budget resets once a second, counted from the start
    /// (real FreeSWITCH's reset runs on its own timer, not on epoch-second boundaries).
    var throttleSecond: Int64 { (now - startedAt) / 1_000_000 }

    /// Now, on the 20 ms core tick.
    var tickedNow: Int64 { factory.ticked(now) }

    /// Schedules `action` (run with the lock held) `seconds` from now.
    @discardableResult
    func after(_ seconds: Double, _ action: @escaping () -> Void) -> UInt64 {
        at(now + Int64(seconds * 1_000_000), action)
    }

    @discardableResult
    func at(_ deadline: Int64, _ action: @escaping () -> Void) -> UInt64 {
        let earliest = timers.nextDeadline
        let id = timers.schedule(at: deadline, action)
        // Only an earlier deadline needs the timer thread to wake and re-arm.
        if earliest.map({ deadline < $0 }) ?? true { lock.broadcast() }
        return id
    }

    private func timerLoop() {
        lock.lock()
        defer { lock.unlock() }
        while running {
            let current = now
            if let entry = timers.popDue(now: current) {
                entry.action()
                notifyChannelWatchers()
                continue
            }
            if let next = timers.nextDeadline {
                let wait = Double(next - current) / 1_000_000
                _ = lock.wait(until: Date(timeIntervalSinceNow: max(0.0005, wait)))
            } else {
                lock.wait()
            }
        }
    }

    /// Runs every timer due at the current time (manual clock).
    func runDueTimers() {
        locked {
            while let entry = timers.popDue(now: now) { entry.action() }
            for sink in sinks.values { sink.wake() }
        }
    }

    // MARK: Events

    func addSink(_ sink: any EventSink) {
        locked { sinks[ObjectIdentifier(sink)] = sink }
    }

    func removeSink(_ sink: any EventSink) {
        locked { _ = sinks.removeValue(forKey: ObjectIdentifier(sink)) }
    }

    func emit(_ event: SimEvent) {
        for sink in sinks.values { sink.offer(event) }
    }

    /// Fires a non-channel event with these headers after the base ones.
    func fire(_ name: String, _ headers: [(name: String, value: String)], body: String? = nil, time: Int64? = nil) {
        let base = factory.base(name, time: time ?? tickedNow)
        emit(SimEvent(name: name, blocks: [base, HeaderBlock(headers)], body: body))
    }

    /// Fires a channel event: base headers, `leading`, channel data, caller profile,
    /// variables (for the types that carry them), `trailing`.
    func fire(
        _ channel: Channel, _ name: String, leading: [(name: String, value: String)] = [],
        trailing: [(name: String, value: String)] = []
    ) {
        var blocks = [factory.base(name, time: tickedNow)]
        if !leading.isEmpty { blocks.append(HeaderBlock(leading)) }
        blocks.append(channel.channelData())
        blocks.append(channel.callerProfile())
        if verboseEvents || VariableStages.carriers.contains(name) { blocks.append(channel.variables.block()) }
        if !trailing.isEmpty { blocks.append(HeaderBlock(trailing)) }
        emit(SimEvent(name: name, blocks: blocks, body: nil))
    }

    /// Moves a channel to `state` (and requests `number`), firing CHANNEL_STATE.
    func setState(_ channel: Channel, _ state: ChannelState, number: Int? = nil) {
        channel.state = state
        channel.stateNumber = number ?? state.rawValue
        fire(channel, "CHANNEL_STATE")
    }

    /// Moves a channel's call state, firing CHANNEL_CALLSTATE.
    func setCallState(_ channel: Channel, _ callState: CallState) {
        let previous = channel.callState
        channel.callState = callState
        fire(
            channel, "CHANNEL_CALLSTATE",
            leading: [("Original-Channel-Call-State", previous.name), ("Channel-Call-State-Number", String(callState.rawValue))])
    }

    // MARK: Heartbeat

    private func scheduleHeartbeat() {
        after(heartbeatInterval) { [weak self] in
            guard let self else { return }
            fireHeartbeat()
            scheduleHeartbeat()
        }
    }

    /// Fires HEARTBEAT and its RE_SCHEDULE (esl-protocol.md §8.1–8.2).
    func fireHeartbeat() {
        throttle.roll(to: throttleSecond)
        let uptime = now - bootedAt
        let time = tickedNow
        fire(
            "HEARTBEAT",
            [
                ("Event-Info", "System Ready"), ("Up-Time", Uptime.text(uptime)),
                ("FreeSWITCH-Version", "1.10.12-release~64bit"), ("Uptime-msec", String(uptime / 1000)),
                ("Session-Count", String(throttle.sessions)), ("Max-Sessions", String(throttle.maxSessions)),
                ("Session-Per-Sec", String(UInt32(truncatingIfNeeded: throttle.budget))),
                ("Session-Per-Sec-Last", String(throttle.lastSecond)), ("Session-Per-Sec-Max", String(throttle.peakPerSecond)),
                ("Session-Per-Sec-FiveMin", String(throttle.fiveMinutePeakPerSecond)),
                ("Session-Since-Startup", String(throttle.sinceStartup)), ("Session-Peak-Max", String(throttle.peakSessions)),
                ("Session-Peak-FiveMin", String(throttle.fiveMinutePeakSessions)), ("Idle-CPU", idleCPUText(digits: 6)),
            ], time: time)
        fire(
            "RE_SCHEDULE",
            [
                ("Task-ID", "1"), ("Task-Desc", "heartbeat"), ("Task-Group", "core"),
                ("Task-Runtime", String(time / 1_000_000 + Int64(heartbeatInterval))),
            ], time: time)
    }
}

/// `UP`-style uptime text: `0 years, 0 days, 1 hour, 15 minutes, 0 seconds, …`.
enum Uptime {
    static func text(_ micros: Int64) -> String {
        let us = micros % 1000
        let ms = (micros / 1000) % 1000
        let totalSeconds = micros / 1_000_000
        let s = totalSeconds % 60
        let m = (totalSeconds / 60) % 60
        let h = (totalSeconds / 3600) % 24
        let d = (totalSeconds / 86400) % 365
        let y = totalSeconds / (86400 * 365)
        func unit(_ value: Int64, _ name: String) -> String { "\(value) \(name)\(value == 1 ? "" : "s")" }
        return [
            unit(y, "year"), unit(d, "day"), unit(h, "hour"), unit(m, "minute"), unit(s, "second"),
            unit(ms, "millisecond"), unit(us, "microsecond"),
        ].joined(separator: ", ")
    }
}
