/// A graceful shutdown (`api fsctl shutdown`, or the `shutdown_at` fault) with the
/// sequence and timing of capture 24, and the restart after it. Runs with the core's
/// lock held.
///
/// ```
/// T+0      `+OK\n`, the API event of the fsctl; originates are refused from now on
/// T+0.3    SHUTDOWN, CHANNEL_HANGUP SYSTEM_SHUTDOWN for every leg, then each leg's teardown
/// T+0.8    the refused originates' results: `-ERR CHAN_NOT_IMPLEMENTED\n` (at once after this)
/// T+1.98   UNPUBLISH per sofia profile, then `The system is being shut down.\n` and EOF
///          on every connection; the listener closes
/// ```
///
/// Capture 24 also shows ~70 MODULE_UNLOAD events between the hangups and the notice;
/// the simulator leaves them out.
extension SwitchCore {
    /// Where the core is in its life.
    enum Lifecycle: Equatable {
        /// Serving.
        case running
        /// `fsctl shutdown` ran; `modulesUnloaded` once the endpoints are gone (T+0.8).
        case goingDown(modulesUnloaded: Bool)
        /// The sockets are closed; a restart may follow.
        case down
    }

    /// Offsets of capture 24's steps from the command, in seconds.
    enum ShutdownTiming {
        static let shutdownEvent = 0.3
        static let modulesUnloaded = 0.8
        static let socketsClosed = 1.98
    }

    /// The body of the notice every connection gets before EOF.
    static let shutdownNotice = "The system is being shut down.\n"

    /// Starts a graceful shutdown; does nothing if one is under way or done.
    func beginShutdown() {
        guard lifecycle == .running else { return }
        lifecycle = .goingDown(modulesUnloaded: false)
        after(ShutdownTiming.shutdownEvent) { [weak self] in self?.hangUpEverything() }
        after(ShutdownTiming.modulesUnloaded) { [weak self] in self?.unloadModules() }
        after(ShutdownTiming.socketsClosed) { [weak self] in self?.closeSockets() }
    }

    /// An originate sent while going down: no channel, and `-ERR CHAN_NOT_IMPLEMENTED`
    /// once the endpoint modules are unloaded.
    func refuseWhileGoingDown(_ job: PendingJob) {
        if case .goingDown(modulesUnloaded: false) = lifecycle {
            refusedJobs.append(job)
        } else {
            job.finish("-ERR CHAN_NOT_IMPLEMENTED\n")
        }
    }

    /// True while a shutdown is under way or done (originates are refused).
    var isShuttingDown: Bool { lifecycle != .running }

    /// SHUTDOWN, then CHANNEL_HANGUP for every leg, then every leg's teardown.
    private func hangUpEverything() {
        fire("SHUTDOWN", [("Event-Info", "System Shutting Down")])
        let cause = HangupCause.parse("SYSTEM_SHUTDOWN")
        let legs = channelOrder.compactMap { channels[$0] }.filter(\.isUp)
        for leg in legs {
            leg.call.endedHere = true
            beginHangup(leg, cause: cause)
        }
        verboseEvents = true
        for leg in legs { finishHangup(leg, cause: cause) }
    }

    private func unloadModules() {
        lifecycle = .goingDown(modulesUnloaded: true)
        let jobs = refusedJobs
        refusedJobs = []
        for job in jobs { job.finish("-ERR CHAN_NOT_IMPLEMENTED\n") }
    }

    /// UNPUBLISH for each profile, then the connections write what is queued, the
    /// notice, and close (``isDown`` is set after the last event is queued).
    private func closeSockets() {
        for profile in profiles {
            fire(
                "UNPUBLISH",
                [
                    ("service", "_sip._udp,_sip._tcp,_sip._sctp"), ("port", String(profile.sipPort)),
                    ("module_name", "mod_sofia"), ("profile_name", profile.name), ("profile_uri", profile.url),
                ])
        }
        lifecycle = .down
        isDown.store(true, ordering: .releasing)
        for sink in sinks.values { sink.wake() }
        onDown?()
    }

    /// Comes back after a shutdown as a freshly started FreeSWITCH: a new `Core-UUID`,
    /// uptime and session counters from zero, its configured limits, running.
    func reboot(coreUUID: String) {
        guard lifecycle == .down else { return }
        var identity = factory.identity
        identity.coreUUID = coreUUID
        factory = EventFactory(identity: identity)
        bootedAt = now
        // A restarted FreeSWITCH reads its limits from its configuration again: what
        // `fsctl sps` / `fsctl max_sessions` changed lived only as long as the process.
        throttle = Throttle(
            sessionsPerSecond: timing.sessionsPerSecond, maxSessions: timing.maxSessions, second: throttleSecond)
        lifecycle = .running
        verboseEvents = false
        isDown.store(false, ordering: .releasing)
    }

    /// Schedules the `shutdown_at` fault (replacing an earlier one) if it has not passed.
    func scheduleFaultShutdown() {
        if let previous = faultShutdownTimer { timers.cancel(previous) }
        faultShutdownTimer = nil
        guard let seconds = faults.shutdownAtSeconds else { return }
        let deadline = startedAt + Int64(seconds * 1_000_000)
        guard deadline >= now else { return }
        faultShutdownTimer = at(deadline) { [weak self] in
            self?.faultShutdownTimer = nil
            self?.beginShutdown()
        }
    }
}
