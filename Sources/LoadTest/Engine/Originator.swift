import ESL
import Foundation
import Switchy
import Synchronization

/// Turns each due call into an originate on a chosen slave (the scheduler's
/// `onLaunch`): checks the concurrency limit, picks the slave and the app, opens the
/// call in the ledger and sends `bgapi originate` with our uuid as the Job-UUID,
/// through the client's ``Job`` table (its reply and its BACKGROUND_JOB close the call
/// in the ledger later, on the connections' threads).
///
/// Runs on the scheduler's queue and waits for nothing: not for a reply, nor for the
/// socket (an originate the control socket does not take at once waits in the
/// connection's write queue, and how long it waited there becomes the call's
/// `send_queue_ms`), so a slave that reads its commands slowly never delays the next
/// launch; its slowness shows in `send_queue_ms`, `originate_ms` and `answer_ms`.
final class Originator: Sendable {
    private let plan: RunPlan
    private let links: [SlaveLink]
    private let ledger: CallLedger
    private let clock: any RunClock
    private let counters: RunCounters
    private let choice: Mutex<(pool: SlavePool, apps: WeightedRotation)>
    /// Per slave: how long after sending a call it is lost if no end was seen, and the
    /// `error` it is then recorded with (nil without a hold time: no bound).
    private let bounds: [(nanoseconds: Int64, reason: String)?]
    /// The hold each answered call gets (ns), nil without one.
    private let plannedHold: Int64?

    /// Forgets calls given up on in their listener (``LoadRun/forget(_:)``).
    private let forget: @Sendable ([CallLedger.Lost]) -> Void
    /// Told of each due call with its search step: offered (opened in the ledger) or
    /// blocked by the limit.
    private let onOffer: @Sendable (_ step: Int?, _ offered: Bool) -> Void

    init(
        plan: RunPlan, links: [SlaveLink], ledger: CallLedger, clock: any RunClock, counters: RunCounters,
        forget: @escaping @Sendable ([CallLedger.Lost]) -> Void, onOffer: @escaping @Sendable (Int?, Bool) -> Void = { _, _ in }
    ) {
        self.forget = forget
        self.onOffer = onOffer
        self.plan = plan
        self.links = links
        self.ledger = ledger
        self.clock = clock
        self.counters = counters
        self.choice = Mutex((SlavePool(), WeightedRotation(weights: plan.apps.map(\.weight))))
        self.plannedHold = plan.holdSeconds.map { Int64($0) * 1_000_000_000 }
        // The server's safety-net hangup (HoldTimers.safetyMarginSeconds) comes within
        // this bound when lost_after allows it (5 s past the hold by default, 30 s).
        self.bounds = links.map { link in
            plan.holdSeconds.map { hold in
                let timeout = link.spec.call.originateTimeout
                let seconds = Double(timeout + hold) + plan.lostAfter
                return (
                    Int64(seconds * 1e9),
                    "no end of call seen within \(seconds.compactText) s of sending it "
                        + "(originate_timeout \(timeout) + hold \(hold) + lost_after \(plan.lostAfter.compactText))"
                )
            }
        }
    }

    /// Offers the call, or counts it blocked when the limit is reached; true when offered.
    func launch(_ launch: RateScheduler.Launch) -> Bool {
        let step = plan.search.map { $0.step(atSeconds: plan.pacer.time(ofCall: launch.index)) }
        if let limit = plan.limit, ledger.inFlight >= limit {
            counters.blocked()
            onOffer(step, false)
            return false
        }
        counters.offered()
        onOffer(step, true)
        let uuid = RandomUUID.string()
        let appIndex = choice.withLock { $0.apps.next() ?? 0 }
        let app = plan.apps.isEmpty ? nil : plan.apps[appIndex]
        // A slave marked down between the choice and the offer is left out and the
        // choice made again (twice at most: slaves seldom fall together).
        var excluded = Set<Int>()
        for _ in 0..<2 {
            guard let slaveIndex = choose(excluding: excluded), let command = links[slaveIndex].command(app: appIndex)
            else { break }
            if send(launch, uuid: uuid, app: app?.name, step: step, command: command, on: slaveIndex) { return true }
            excluded.insert(slaveIndex)
        }
        var record = CallRecord(seq: launch.index, callUUID: uuid, slave: "-", app: app?.name, scheduledAt: launch.scheduledAt)
        record.step = step
        ledger.offer(record, deadline: .max)
        ledger.commandFailed(uuid, on: "-", error: "no slave can take the call (all down or at their limit)")
        return true
    }

    private func choose(excluding excluded: Set<Int>) -> Int? {
        let candidates = links.enumerated().map { index, link in
            SlavePool.Candidate(
                weight: link.spec.weight, limit: link.spec.limit, healthy: link.isHealthy && !excluded.contains(index),
                inFlight: self.ledger.inFlight(on: link.name))
        }
        return choice.withLock { $0.pool.choose(candidates) }
    }

    /// Offers the call to slave `slaveIndex` and sends it; false (nothing offered) if the
    /// slave is no longer up.
    private func send(
        _ launch: RateScheduler.Launch, uuid: String, app: String?, step: Int?, command: OriginateCommand, on slaveIndex: Int
    ) -> Bool {
        let link = links[slaveIndex]
        let slave = link.name
        var draft = CallRecord(seq: launch.index, callUUID: uuid, slave: slave, app: app, scheduledAt: launch.scheduledAt)
        draft.plannedHold = plannedHold
        draft.media = link.spec.call.media
        draft.step = step
        let record = draft
        let now = clock.now()
        // A call must conclude by: originate timeout + hold + lost_after. Without a
        // hold time (the app or the far end hangs up) there is no bound before the end
        // of the run.
        let bound = bounds[slaveIndex]
        let ledger = self.ledger
        // Under the slave's state lock: a slave marked down after this still has the
        // call in the ledger when it records its calls as lost.
        guard
            link.offerIfUp({
                ledger.offer(record, deadline: bound.map { now + $0.nanoseconds } ?? .max, overdue: bound?.reason)
            })
        else { return false }
        ledger.sent(uuid, on: slave, at: now)
        let clock = self.clock
        let listener = link.listener
        let forget = self.forget
        do {
            try link.client.bgapi(
                command.command(uuid: uuid), jobUUID: uuid,
                written: { queued in ledger.written(uuid, on: slave, at: now + queued) },
                refused: { refusal in
                    switch refusal {
                    case .reply(let text):
                        ledger.commandFailed(uuid, on: slave, error: text)
                    case .noReply(let error):
                        // It may have run: lost, as if the slave's loss had come first.
                        let reason = "\(slave): no reply to the originate (\(error.description))"
                        if let lost = ledger.noReply(uuid, on: slave, reason: reason) { forget([lost]) }
                    }
                },
                done: { result in
                    switch result {
                    case .success:
                        ledger.jobDone(uuid, on: slave, body: "+OK", at: clock.now(), channelExists: true)
                    case .failure(.failed(_, let reply)):
                        // Only a failed job asks whether the call has a channel (its end
                        // will then come as channel events).
                        ledger.jobDone(uuid, on: slave, body: reply, at: clock.now(), channelExists: listener.calls[uuid] != nil)
                    case .failure:
                        break  // the event connection ended: the slave's loss records the call
                    }
                })
        } catch {
            ledger.commandFailed(uuid, on: slave, error: error.description)
        }
        return true
    }
}
