import ESL
import Switchy

extension LoadRun {
    /// Routes a slave's events: an answer is counted and starts the call's hold; a
    /// call ending closes it in the ledger (its job's result comes through the ``Job``
    /// the originator made) and drops its hold timer; SHUTDOWN takes the slave out of
    /// the rotation; a disconnect marks it down.
    ///
    /// The answer and the end of a call are handled on the listener's reader thread
    /// (``EventListener/onReader(_:_:)``): each is a few counters, a hold timer and a
    /// ledger shard's lock with an append to the record queue, and handing them to the
    /// callback thread cost two thread wake-ups per call, most of the generator's CPU
    /// per call (BENCHMARKS.md, "Issue 13: thread hand-offs per call").
    func wire(_ link: SlaveLink) {
        let ledger = self.ledger
        let clock = self.clock
        let slave = link.name
        let index = links.firstIndex { $0 === link } ?? 0
        let counters = self.counters
        let holdTimers = self.holdTimers
        let hold = plan.holdSeconds.map { Int64($0) * 1_000_000_000 }
        link.listener.onReader("CHANNEL_ANSWER") { event, session in
            // Our call's originating leg only (its uuid is the call's), not the far leg.
            guard let session, session.uuid == session.callUUID else { return }
            counters.answerSeen()
            let localAnswer = session.localTimes.answered ?? clock.now()
            if let stamp = event["Event-Date-Timestamp"].flatMap({ Int64($0) }) {
                link.serverClock.observe(local: localAnswer, server: stamp)
            }
            if let created = session.localTimes.created, let server = session.serverTimes.created {
                link.serverClock.observe(local: created, server: server)
            }
            guard let hold else { return }
            // Aimed at the server's answer (the hold the callee has), mapped onto our
            // clock: under load the answer reaches us late, our own receive time would
            // cut the call short by that much.
            let answered = session.serverTimes.answered.flatMap { link.serverClock.local(server: $0) } ?? localAnswer
            holdTimers.schedule(session.uuid, slave: index, at: answered + hold)
        }
        link.listener.onCallEndedOnReader { call in
            holdTimers.cancel(call.uuid)
            ledger.callEnded(call, on: slave, at: clock.now())
        }
        // On the reader too, so it is seen before the hangups that follow it, as they are.
        link.listener.onReader("SHUTDOWN") { [weak self] _, _ in self?.slaveShuttingDown(link) }
        link.listener.onDisconnect { [weak self] error in self?.slaveDown(link, reason: error.description) }
    }

    /// FreeSWITCH's first sign of a graceful shutdown (capture 24: SHUTDOWN 0.3 s after
    /// `fsctl shutdown`, then every leg hung up with `SYSTEM_SHUTDOWN`, originates
    /// refused with `CHAN_NOT_IMPLEMENTED`, the socket closed ~2 s after the command):
    /// no call goes to it from now on, exactly as if it had gone down, while its calls'
    /// hangups still arrive and are recorded as they are.
    private func slaveShuttingDown(_ link: SlaveLink) {
        guard state.withLock({ $0.running }) else { return }
        let ledger = self.ledger
        guard
            let inFlight = link.markGoingDown(
                at: clock.now(), reason: "shutting down (SHUTDOWN event)", inFlight: { ledger.inFlight(on: link.name) })
        else { return }
        note("\(link.name) is shutting down (SHUTDOWN event): no more calls go to it; \(inFlight) in flight there")
    }

    private func slaveDown(_ link: SlaveLink, reason: String) {
        guard state.withLock({ $0.running }) else { return }
        let how = link.markDown(at: clock.now(), reason: reason)
        guard how != .already else { return }
        let lost = ledger.slaveLost(link.name, reason: "\(link.name) went down: \(reason)")
        forget(lost)
        link.client.close()
        switch how {
        case .afterShutdownSign(let inFlight):
            let ended = max(0, inFlight - lost.count)
            note(
                "\(link.name) closed its connection after shutting down (\(reason)): \(ended) of its "
                    + "\(inFlight) calls in flight ended before (hung up by the server), \(lost.count) lost; reconnecting")
        default:
            note("\(link.name) went down: \(reason); \(lost.count) calls in flight lost; reconnecting")
        }
        Task { await reconnect(link) }
    }

    /// Tries again on the run clock until the slave is back (with `prepare`'s limits set
    /// again before it takes calls), refuses us, or the run stops: after 0.1 s, then doubling, at most 0.5 s apart while the run is offering
    /// (a slave back from a restart takes calls again within about half a second) and
    /// 5 s apart once it is not.
    private func reconnect(_ link: SlaveLink) async {
        var delay = 0.1
        while state.withLock({ $0.running }) {
            await clock.sleep(until: clock.now() + Int64(delay * 1e9), unless: stopped)
            guard state.withLock({ $0.running }) else { return }
            do throws(ESLError) {
                try await link.connect(timeout: plan.connectTimeout)
                let prepared = await reapplyPrepare(link)
                link.markUp(at: clock.now(), note: "reconnected")
                note("\(link.name) is back" + (prepared.map { "; \($0)" } ?? ""))
                return
            } catch {
                switch error {
                case .authenticationFailed, .rejectedByACL:
                    note("\(link.name) refused the reconnection (\(error)); it stays down for the rest of the run")
                    return
                default:
                    delay = min(delay * 2, state.withLock { $0.offering } ? 0.5 : 5)
                }
            }
        }
    }
}
