import ESL
import Switchy

extension LoadRun {
    /// Routes a slave's events: an answer is counted and starts the call's hold; a
    /// call ending closes it in the ledger (its job's result comes through the ``Job``
    /// the originator made) and drops its hold timer; a disconnect marks the slave down.
    func wire(_ link: SlaveLink) {
        let ledger = self.ledger
        let clock = self.clock
        let slave = link.name
        let index = links.firstIndex { $0 === link } ?? 0
        let counters = self.counters
        let holdTimers = self.holdTimers
        let hold = plan.holdSeconds.map { Int64($0) * 1_000_000_000 }
        link.listener.on("CHANNEL_ANSWER") { event, session in
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
        link.listener.onCallEnded { call in
            holdTimers.cancel(call.uuid)
            ledger.callEnded(call, on: slave, at: clock.now())
        }
        link.listener.onDisconnect { [weak self] error in self?.slaveDown(link, reason: error.description) }
    }

    private func slaveDown(_ link: SlaveLink, reason: String) {
        guard state.withLock({ $0.running }), link.markDown(at: clock.now(), reason: reason) else { return }
        note("\(link.name) went down: \(reason); its calls in flight are lost; reconnecting")
        forget(ledger.slaveLost(link.name, reason: "\(link.name) went down: \(reason)"))
        link.client.close()
        Task { await reconnect(link) }
    }

    /// Tries again after 0.5 s, then doubling up to 10 s, on the run clock, until the
    /// slave is back, refuses us, or the run stops.
    private func reconnect(_ link: SlaveLink) async {
        var delay = 0.5
        while state.withLock({ $0.running }) {
            await clock.sleep(until: clock.now() + Int64(delay * 1e9), unless: stopped)
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
}
