import ESL
import Foundation
import Switchy
import Synchronization

/// One slave during a run: its control connections (a ``Client``), its event
/// connection (an ``EventListener``, whose local times are the run clock's), the
/// mapping of its clock onto ours, the originate command of each app, and whether it
/// can take calls.
final class SlaveLink: Sendable {
    let spec: RunPlan.Slave
    let client: Client
    let listener: EventListener
    /// A control connection of its own for the hold timers' `uuid_kill`s: FreeSWITCH
    /// runs each connection's commands in order, so on the originates' connections a
    /// kill would wait behind every originate queued there.
    let hangups: Client
    /// A control connection of its own for the health sampler's `api status` once a
    /// second (nil when the run does not sample, ``RunPlan/sampleHealth``): on the
    /// hangups' connection each read would delay the kills queued behind it, on the
    /// originates' it would wait behind every originate.
    let monitor: Client?
    /// The slave's clock mapped onto the run clock, from its events' timestamps.
    let serverClock = ServerClock()
    private let state = Mutex(State())

    /// Whether a slave takes calls.
    enum Health: Sendable, Equatable {
        /// Connected and taking calls.
        case up
        /// It said it is going down (SHUTDOWN): it gets no new calls, while its calls in
        /// flight end (hung up by the server) and its connection stays open until it
        /// closes it.
        case goingDown
        /// Its connection ended; it is being reconnected, or stays down.
        case down
    }

    private struct State {
        var commands: [OriginateCommand] = []
        var health = Health.down
        /// Calls in flight on it when it said it is going down.
        var inFlightAtShutdownSign: Int?
        var history: [SlaveEvent] = []
        var sipAddress: String?
        var status: SlaveFacts.Status?
        var queues = LoadRun.SlaveQueues()
    }

    /// - Parameters:
    ///   - trackingOnly: subscribe only to what the tracker reads
    ///     (``EventListener/trackingEvents``): when no app of the run receives events.
    ///   - expectedInFlight: the calls expected in flight on this slave at once
    ///     (``RunPlan/expectedInFlightPerSlave``): the listener makes room for one leg each.
    init(
        spec: RunPlan.Slave, runID: String, controlConnections: Int, monitor: Bool = false, trackingOnly: Bool = false,
        expectedInFlight: Int = 0, clock: any RunClock
    ) {
        self.spec = spec
        self.listener = EventListener(
            host: spec.host, port: spec.port, password: spec.password, runID: runID, keepVariables: false,
            clock: { clock.now() }, events: trackingOnly ? EventListener.trackingEvents : EventListener.baseEvents,
            expectedLegs: expectedInFlight)
        self.client = Client(
            host: spec.host, port: spec.port, password: spec.password, listener: listener,
            connections: controlConnections)
        self.hangups = Client(host: spec.host, port: spec.port, password: spec.password)
        self.monitor = monitor ? Client(host: spec.host, port: spec.port, password: spec.password) : nil
    }

    var name: String { spec.name }
    var isHealthy: Bool { state.withLock { $0.health == .up } }
    var health: Health { state.withLock { $0.health } }
    var history: [SlaveEvent] { state.withLock { $0.history } }
    var status: SlaveFacts.Status? { state.withLock { $0.status } }
    var sipAddress: String? { state.withLock { $0.sipAddress } }

    /// The peaks of this slave's queues in this process, as of the last
    /// ``sampleQueues()``.
    var queues: LoadRun.SlaveQueues { state.withLock { $0.queues } }

    /// Takes in the queues' figures now: the control connections' write backlogs (a
    /// connection's high-water marks are since it opened, so a reconnected slave keeps
    /// the peaks of the connections it had) and the listener's callback queue.
    func sampleQueues() {
        let backlogs = client.writeBacklogs + hangups.writeBacklogs
        let callbacks = listener.callbackBacklog
        state.withLock { state in
            state.queues.writeBacklogHighWaterCommands = max(
                state.queues.writeBacklogHighWaterCommands, backlogs.map(\.highWaterCommands).max() ?? 0)
            state.queues.writeBacklogHighWaterBytes = max(
                state.queues.writeBacklogHighWaterBytes, backlogs.map(\.highWaterBytes).max() ?? 0)
            state.queues.callbackQueueHighWater = max(state.queues.callbackQueueHighWater, callbacks.highWaterMark)
            state.queues.callbackQueueOverflowed = max(state.queues.callbackQueueOverflowed, callbacks.overflowed)
        }
    }

    /// The prepared command for app `index`.
    func command(app index: Int) -> OriginateCommand? {
        state.withLock { index < $0.commands.count ? $0.commands[index] : nil }
    }

    /// Ends the call `uuid` now (`uuid_kill <uuid> ALLOTTED_TIMEOUT`, the cause
    /// `sched_hangup` gives) on the hangups' control connection, never the event
    /// connection, without waiting for the reply: `-ERR No such channel!` only means the call
    /// ended meanwhile, and a connection that is gone is the slave's loss, recorded
    /// elsewhere.
    func hangUp(_ uuid: String) {
        guard let command = try? Command.api("uuid_kill \(uuid) ALLOTTED_TIMEOUT") else { return }
        hangups.send(command) { _ in }
    }

    /// Connects both sides and subscribes.
    func connect(timeout: Double) async throws(ESLError) {
        let options = Connection.Options(connectTimeout: timeout)
        try await client.connect(options: options)
        do {
            try await hangups.connect(options: options)
            try await monitor?.connect(options: options)
            try await listener.connect(options: options)
        } catch {
            client.close()
            hangups.close()
            monitor?.close()
            throw error
        }
    }

    /// Reads limits and, when `dest` needs it, the profile's SIP address; then builds
    /// the originate command of every app. With a hold time, each originate carries the
    /// server-side safety net: `sched_hangup` a few seconds after the hold
    /// (``HoldTimers/safetyMarginSeconds(lostAfter:)``), for calls the run cannot end.
    func prepare(plan: RunPlan) async throws {
        let status = SlaveFacts.status(try await client.cmd("status"))
        var sip: String?
        if spec.call.dest.contains("{sip}") {
            let text = try await client.cmd("sofia status profile \(spec.call.profile)")
            guard let address = SlaveFacts.sipAddress(fromProfileStatus: text) else {
                throw RunError.preflight(
                    slave: name, reason: "sofia profile '\(spec.call.profile)' has no BIND-URL (is it running?)")
            }
            sip = address
        }
        let dest = spec.call.dest.replacingOccurrences(of: "{host}", with: spec.host)
            .replacingOccurrences(of: "{sip}", with: sip ?? "")
        var commands: [OriginateCommand] = []
        let media = spec.call.media
        let variables = spec.call.variables + (media.stream.map { [(CallMedia.variable, $0)] } ?? [])
        for app in plan.apps {
            let target = Self.target(call: spec.call, app: app.app)
            commands.append(
                try OriginateCommand(
                    endpoint: spec.call.gateway.map { .gateway($0, number: dest) } ?? .profile(spec.call.profile, dest: dest),
                    proxy: spec.call.proxy, target: target, runID: plan.runID, appID: app.name,
                    timeout: spec.call.originateTimeout, ignoreEarlyMedia: spec.call.ignoreEarlyMedia,
                    holdSeconds: plan.holdSeconds.map { $0 + HoldTimers.safetyMarginSeconds(lostAfter: plan.lostAfter) },
                    variables: variables))
        }
        state.withLock {
            $0.commands = commands
            $0.status = status
            $0.sipAddress = sip
        }
    }

    /// What the answered originating leg runs: the call's own target, else the media's
    /// playback in place of the default `&park()`, else the app's own target.
    static func target(call: RunPlan.Call, app: any CallApp) -> OriginateCommand.Target {
        if let target = call.target { return target }
        if let media = call.media.target, app.target == .app("park") { return media }
        return app.target
    }

    /// Reads the slave's limits again (`prepare` changed them).
    func readStatus() async throws {
        let status = SlaveFacts.status(try await client.cmd("status"))
        state.withLock { $0.status = status }
    }

    /// Runs `offer` (the ledger's offer of a call to this slave) only if the slave is up,
    /// under its state lock: once ``markGoingDown(at:reason:inFlight:)`` or
    /// ``markDown(at:reason:)`` has returned, no call can be offered to it any more, so
    /// the ledger's `slaveLost` that follows sees every call it ever got.
    /// - Returns: whether the slave was up (and `offer` ran).
    func offerIfUp(_ offer: () -> Void) -> Bool {
        state.withLock { state in
            guard state.health == .up else { return false }
            offer()
            return true
        }
    }

    func markUp(at time: Int64, note: String) {
        state.withLock { state in
            state.health = .up
            state.inFlightAtShutdownSign = nil
            state.history.append(SlaveEvent(time: time, up: true, note: note))
        }
    }

    /// Takes the slave out of the rotation because it said it is shutting down, keeping
    /// its connections (its calls' hangups are still to come); `inFlight` is read under
    /// the slave's lock, after no new call can reach it. Returns nil if it was not up.
    func markGoingDown(at time: Int64, reason: String, inFlight: () -> Int) -> Int? {
        state.withLock { state in
            guard state.health == .up else { return nil }
            state.health = .goingDown
            let calls = inFlight()
            state.inFlightAtShutdownSign = calls
            state.history.append(SlaveEvent(time: time, up: false, note: reason))
            return calls
        }
    }

    /// How a slave came to be down.
    enum WentDown: Equatable {
        /// It already was: nothing to do.
        case already
        /// Without warning, while it was up.
        case suddenly
        /// After it said it was shutting down, with this many calls in flight then.
        case afterShutdownSign(inFlight: Int)
    }

    /// Marks the slave down (its connection ended).
    func markDown(at time: Int64, reason: String) -> WentDown {
        state.withLock { state in
            let how: WentDown
            switch state.health {
            case .down: return .already
            case .up:
                state.history.append(SlaveEvent(time: time, up: false, note: reason))
                how = .suddenly
            case .goingDown:  // already in the history as down
                how = .afterShutdownSign(inFlight: state.inFlightAtShutdownSign ?? 0)
            }
            state.health = .down
            return how
        }
    }

    func close() {
        state.withLock { $0.health = .down }
        client.close()
        hangups.close()
        monitor?.close()
        listener.stop()
    }
}

/// A slave going down or coming back during a run.
public struct SlaveEvent: Sendable, Equatable {
    /// ns of the run clock.
    public var time: Int64
    public var up: Bool
    public var note: String
}
