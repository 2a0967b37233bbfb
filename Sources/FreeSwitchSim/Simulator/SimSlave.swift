public import ESL
import Foundation
import Synchronization

/// One simulated FreeSWITCH 1.10.12: an ESL server on a real loopback TCP port with
/// its own `Core-UUID`, switch name, channel table, limits, timing model and faults.
///
/// ```swift
/// var configuration = SimConfiguration()
/// configuration.timing.answerDelay = .fixed(0.2)
/// let slave = try SimSlave.start(configuration)
/// // connect any ESL client to 127.0.0.1:\(slave.port), password ClueCon
/// slave.stop()
/// ```
///
/// It speaks ESL exactly as the captures in `TestSupport/Fixtures/esl-freeswitch`
/// show real FreeSWITCH doing: the greeting and auth, `api`/`bgapi`, `event`,
/// `filter`, the api commands a load generator uses (`status`, `show`, `uuid_kill`,
/// `sched_hangup`, `hupall`, `fsctl`, `bgapi`, `uptime`, …), a graceful
/// `fsctl shutdown` with capture 24's sequence, and `originate` with the
/// event sequences of a real sofia call to the lab dialplan (`echo`, `park`, `9196`,
/// `tone` answer; `busy` → 486; `ring` rings until `originate_timeout`; `ringanswer`,
/// `earlymedia`; `noanswer` never responds, and on a loop-back call parks its inbound
/// leg unanswered for callee apps; anything else → 404).
public final class SimSlave: Sendable {
    /// The configuration it was started with (faults and timing may change since).
    public let configuration: SimConfiguration
    /// The ESL port it listens on.
    public let port: Int
    private let core: SwitchCore
    /// The listener of the current life (a new one after each restart).
    private let server: Mutex<ESLServer>
    private let stopped = Atomic<Bool>(false)

    private init(configuration: SimConfiguration, core: SwitchCore, server: ESLServer) {
        self.configuration = configuration
        self.core = core
        self.server = Mutex(server)
        self.port = server.port
    }

    /// Starts a slave: binds its port and begins serving.
    /// - Throws: ``ESLError/unreachable(endpoint:reason:)`` when the port cannot be bound.
    public static func start(_ configuration: SimConfiguration = SimConfiguration()) throws(ESLError) -> SimSlave {
        let core = SwitchCore(configuration: configuration)
        let server = try ESLServer(host: configuration.host, port: configuration.port, core: core)
        let slave = SimSlave(configuration: configuration, core: core, server: server)
        core.locked { core.onDown = { [weak slave] in slave?.wentDown() } }
        core.start()
        server.start()
        return slave
    }

    /// `host:port` of the ESL server.
    public var endpoint: String { "\(configuration.host):\(port)" }

    /// Stops listening and closes every connection.
    public func stop() {
        stopped.store(true, ordering: .relaxed)
        core.locked { server.withLock { $0 }.stop() }
        core.stop()
    }

    /// Shuts down gracefully now, as `api fsctl shutdown` does (see
    /// ``SimFaults/shutdownAtSeconds``); ``SimFaults/restartAfterSeconds`` brings it back.
    public func shutDown() {
        core.locked { core.beginShutdown() }
    }

    /// False from the moment a graceful shutdown closes the sockets until a restart.
    public var isServing: Bool { !core.isDown.load(ordering: .acquiring) }

    /// Replaces the faults injected from now on.
    public func setFaults(_ faults: SimFaults) {
        core.locked {
            let rescheduled = core.faults.shutdownAtSeconds != faults.shutdownAtSeconds
            core.faults = faults
            if rescheduled { core.scheduleFaultShutdown() }
        }
    }

    /// The shutdown closed the sockets (core lock held): stop listening, let every
    /// connection write its notice, and schedule the restart if one is configured.
    private func wentDown() {
        server.withLock { $0 }.shutDown()
        guard let seconds = core.faults.restartAfterSeconds else { return }
        core.after(seconds) { [weak self] in self?.restart() }
    }

    /// After a graceful shutdown, listens again now, as a restarted FreeSWITCH (for a
    /// test that decides when: ``SimFaults/restartAfterSeconds`` does it on a timer).
    /// It is listening when this returns; a slave serving already is left alone.
    public func restartNow() {
        core.locked {
            guard core.isDown.load(ordering: .acquiring) else { return }
            restart()
        }
    }

    /// Listens again on the same port as a freshly started FreeSWITCH (core lock held).
    /// The old listener may not be closed yet, so binding is retried for up to ~1 s.
    private func restart() {
        guard !stopped.load(ordering: .relaxed) else { return }
        var attempts = 0
        while true {
            do throws(ESLError) {
                let next = try ESLServer(host: configuration.host, port: port, core: core)
                core.reboot(coreUUID: UUID().uuidString.lowercased())
                server.withLock { $0 = next }
                next.start()
                return
            } catch {
                attempts += 1
                // The port is someone else's now: stay down.
                guard attempts < 100 else { return }
                usleep(10_000)
            }
        }
    }

    /// Replaces the timing model for calls placed from now on (limits included).
    public func setTiming(_ timing: SimTiming) {
        core.locked {
            core.timing = timing
            core.throttle.setSessionsPerSecond(timing.sessionsPerSecond)
            core.throttle.maxSessions = timing.maxSessions
        }
    }

    /// The sessions-per-second and max-sessions limits now, as `fsctl sps` and `fsctl
    /// max_sessions` report them (and change them).
    public var limits: (sessionsPerSecond: Int, maxSessions: Int) {
        core.locked { (core.throttle.sessionsPerSecond, core.throttle.maxSessions) }
    }

    /// Channels currently up (both legs of a loop-back call count).
    public var channelCount: Int { core.locked { core.channels.count } }

    /// Returns once the number of channels up meets `condition` (at once if it does):
    /// for tests that must know a command has reached the simulator before they move
    /// its clock. Woken by the simulator's own changes, never by polling.
    public func waitUntil(channelCount condition: @escaping @Sendable (Int) -> Bool) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            core.locked { core.channelWatchers.append((condition, continuation)) }
        }
    }

    /// Returns once an event connection has begun the stall of `stall_after_events`
    /// (at once if one has): a test that moves a manual clock must know the stall's end
    /// was set from the clock as it was when the stalling event was written.
    public func waitUntilStalled() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            core.locked {
                if core.stalls > 0 { continuation.resume() } else { core.stallWatchers.append(continuation) }
            }
        }
    }

    /// Open ESL connections.
    public var connectionCount: Int { server.withLock { $0 }.connectionCount }

    /// Fires a HEARTBEAT (and its RE_SCHEDULE) now, whatever the interval.
    public func fireHeartbeat() {
        core.locked { core.fireHeartbeat() }
    }
}
