public import Switchy
import Synchronization

/// The calls of a run that are offered but not yet over, and the rules that close each
/// one into exactly one ``CallRecord``.
///
/// A call is over when:
/// - its legs are all destroyed and its BACKGROUND_JOB has arrived (or `jobGrace`
///   has passed since: the job can trail the last channel event);
/// - its job failed and no channel of it exists (throttled, duplicate uuid: FreeSWITCH
///   sends no channel events for those);
/// - its originate command was refused;
/// - its slave was lost, or its deadline passed with no conclusion: outcome `lost`.
///
/// The state is sharded by slave (a call lives on one slave): each slave's calls have
/// their own lock, so one slave's reader thread never waits for another's, and their
/// own ``InFlightTable`` of compact ``InFlightCall``s (the record is built at close). Every path
/// goes through one `close`, which, under the call's slave lock, removes the entry,
/// builds its record and hands it to `onClose` — so a call is recorded once, and when
/// ``finishAll(reason:)`` returns every record has been handed on, even one another
/// thread was closing at that moment. `onClose` must only hand the record on (the
/// engine's ``RecordQueue/add(_:)``): no sink work happens under a ledger lock. Lock
/// order: a slave's lock, then whatever `onClose` takes (the record queue's buffer).
public final class CallLedger: Sendable {
    private let onClose: @Sendable (CallRecord) -> Void
    private let onEmpty: @Sendable () -> Void
    private let jobGrace: Int64
    private let shards: [String: Shard]
    /// Calls of slaves not named at init (and of no slave, `-`).
    private let otherShard = Shard()
    private let total = Atomic<Int>(0)
    /// Calls offered so far by slave and app (``offered``).
    private let offers = Mutex<[LoadRun.SlaveApp: Int]>([:])

    /// A call given up on (lost, or closed without its job's result), for the engine
    /// to forget in its listener.
    public struct Lost: Sendable, Equatable {
        public var slave: String
        public var callUUID: String

        public init(slave: String, callUUID: String) {
            self.slave = slave
            self.callUUID = callUUID
        }
    }

    private final class Shard: Sendable {
        let table: Mutex<InFlightTable>
        let count = Atomic<Int>(0)

        init(reserving capacity: Int = 0) { table = Mutex(InFlightTable(reserving: capacity)) }
    }

    /// - Parameters:
    ///   - slaves: the slaves' names; each gets a lock of its own (others share one).
    ///   - reserving: the calls each slave is expected to have in flight at most, in
    ///     the order of `slaves` (missing: none): its table is sized for them once
    ///     (memory not touched until used), so it does not grow by doubling during the run.
    ///   - jobGrace: how long (ns) an ended call waits for its job result.
    ///   - onEmpty: called (with no ledger lock held) when a close leaves no call in flight.
    ///   - onClose: receives each finished record, once, on the thread that finished
    ///     it, under that slave's lock: it must not block.
    public init(
        slaves: [String] = [], reserving: [Int] = [], jobGrace: Int64 = 2_000_000_000,
        onEmpty: @escaping @Sendable () -> Void = {}, onClose: @escaping @Sendable (CallRecord) -> Void
    ) {
        self.jobGrace = jobGrace
        self.onEmpty = onEmpty
        self.onClose = onClose
        self.shards = Dictionary(
            slaves.enumerated().map { index, name in
                (name, Shard(reserving: index < reserving.count ? reserving[index] : 0))
            }, uniquingKeysWith: { first, _ in first })
    }

    /// Calls in flight.
    public var inFlight: Int { total.load(ordering: .relaxed) }

    /// Calls in flight on one slave.
    public func inFlight(on slave: String) -> Int {
        guard let shard = shards[slave] else {
            return otherShard.table.withLock { $0.count(where: { $0.slave == slave }) }
        }
        return shard.count.load(ordering: .relaxed)
    }

    /// Starts tracking an offered call; it must be closed by one of the events below
    /// before `deadline` (ns), or it is recorded as lost with the error `overdue`
    /// ("no end of call seen in time" if nil).
    public func offer(_ record: CallRecord, deadline: Int64, overdue: String? = nil) {
        let shard = shard(record.slave)
        let call = InFlightCall(record, deadline: deadline, overdue: overdue)
        shard.table.withLock { table in
            guard table.insert(call) else { return }
            shard.count.add(1, ordering: .relaxed)
            total.add(1, ordering: .relaxed)
        }
        offers.withLock { $0[LoadRun.SlaveApp(record), default: 0] += 1 }
    }

    /// Calls offered so far (each ``offer(_:deadline:overdue:)``, once per offered
    /// call), by slave and app: what the live metrics count as offered before the
    /// calls end.
    public var offered: [LoadRun.SlaveApp: Int] { offers.withLock { $0 } }

    /// The originate command was handed to its control connection at `time`.
    public func sent(_ uuid: String, on slave: String, at time: Int64) {
        shard(slave).table.withLock { _ = $0.update(uuid) { $0.sentAt = time } }
    }

    /// The originate command's last byte was taken by the kernel at `time`.
    public func written(_ uuid: String, on slave: String, at time: Int64) {
        shard(slave).table.withLock { _ = $0.update(uuid) { $0.writtenAt = time } }
    }

    /// The run asked for the call's end at `time` (its hold timer, or a stopping run's
    /// hangup); the first request counts.
    public func hangupRequested(_ uuid: String, on slave: String, at time: Int64) {
        shard(slave).table.withLock { table in
            _ = table.update(uuid) { call in
                if call.hangupRequestedAt == InFlightCall.notYet { call.hangupRequestedAt = time }
            }
        }
    }

    /// The run asked for the end of every call of `slave` in flight at `time` (the
    /// stop's `hupall`).
    public func hangupRequestedForAll(on slave: String, at time: Int64) {
        shard(slave).table.withLock { table in
            table.updateAll { call in
                if call.slave == slave && call.hangupRequestedAt == InFlightCall.notYet { call.hangupRequestedAt = time }
            }
        }
    }

    /// The originate command was refused or could not be sent.
    public func commandFailed(_ uuid: String, on slave: String, error: String, cause: String? = nil) {
        close(uuid, in: shard(slave)) { call in
            var record = call.record
            record.outcome = .failed
            record.error = error
            record.hangupCause = cause
            return record
        }
    }

    /// The originate's reply never came (the control connection ended): it may have run,
    /// so the call is `lost` with `reason`, as when its slave is lost — whichever of the
    /// two comes first records it, with the same outcome.
    /// - Returns: the call, for the engine to forget in its listener (nil if it was
    ///   already closed).
    public func noReply(_ uuid: String, on slave: String, reason: String) -> Lost? {
        var closed = false
        close(uuid, in: shard(slave)) { call in
            closed = true
            return self.lose(call, reason)
        }
        return closed ? Lost(slave: slave, callUUID: uuid) : nil
    }

    /// The call's BACKGROUND_JOB arrived with `body` (`+OK …` or `-ERR …`).
    /// - Parameter channelExists: whether the listener tracks a leg of this call.
    public func jobDone(_ uuid: String, on slave: String, body: String, at time: Int64, channelExists: Bool) {
        let text = body.trimmed
        let ok = !text.hasPrefix("-")
        closeIfReady(uuid, in: shard(slave)) { call in
            call.jobText = text
            call.jobDoneAt = time
            return call.endedCall != nil || (!ok && !channelExists)
        }
    }

    /// Every leg of the call is destroyed.
    public func callEnded(_ call: Call, on slave: String, at time: Int64) {
        closeIfReady(call.uuid, in: shard(slave)) { entry in
            entry.endedCall = call
            entry.endedAt = time
            return entry.jobText != nil
        }
    }

    /// The slave's connection was lost: its calls in flight are lost.
    @discardableResult
    public func slaveLost(_ slave: String, reason: String) -> [Lost] {
        let shard = shard(slave)
        return closeAll(in: shard, where: { $0.slave == slave }) { self.lose($0, reason) }
    }

    /// Closes what is due at `now`: ended calls whose job did not come within the
    /// grace, and calls past their deadline.
    @discardableResult
    public func sweep(now: Int64) -> [Lost] {
        allShards.flatMap { shard in
            closeAll(in: shard, where: { call in
                call.deadline <= now || (call.endedAt != InFlightCall.notYet && call.endedAt + self.jobGrace <= now)
            }) { call in
                call.endedCall != nil ? self.conclude(call) : self.lose(call, call.overdue ?? "no end of call seen in time")
            }
        }
    }

    /// Records every call still in flight (the run is over): ended ones from what is
    /// known, the others as lost with `reason`. When it returns, every call ever
    /// offered has been handed to `onClose`.
    @discardableResult
    public func finishAll(reason: String) -> [Lost] {
        allShards.flatMap { shard in
            closeAll(in: shard, where: { _ in true }) { call in
                call.endedCall != nil ? self.conclude(call) : self.lose(call, reason)
            }
        }
    }

    // MARK: Closing

    private var allShards: [Shard] { Array(shards.values) + [otherShard] }

    private func shard(_ slave: String) -> Shard { shards[slave] ?? otherShard }

    /// Updates the call with `update`; closes it (concluding) when that returns true.
    private func closeIfReady(_ uuid: String, in shard: Shard, _ update: (inout InFlightCall) -> Bool) {
        let emptied = shard.table.withLock { table -> Bool in
            guard let call = table.remove(uuid, after: update) else { return false }
            return handOn(conclude(call), from: shard)
        }
        if emptied { onEmpty() }
    }

    private func close(_ uuid: String, in shard: Shard, _ finish: (InFlightCall) -> CallRecord) {
        let emptied = shard.table.withLock { table -> Bool in
            guard let call = table.remove(uuid) else { return false }
            return handOn(finish(call), from: shard)
        }
        if emptied { onEmpty() }
    }

    private func closeAll(
        in shard: Shard, where due: (InFlightCall) -> Bool, _ finish: (InFlightCall) -> CallRecord
    ) -> [Lost] {
        var lost: [Lost] = []
        var emptied = false
        shard.table.withLock { table in
            table.removeAll(where: due) { call in
                let record = finish(call)
                // Given up on: lost, or closed without its job's result (whose Job the
                // slave's job table still holds).
                if record.outcome == .lost || call.jobText == nil {
                    lost.append(Lost(slave: call.slave, callUUID: call.callUUID))
                }
                emptied = handOn(record, from: shard) || emptied
            }
        }
        if emptied { onEmpty() }
        return lost
    }

    /// Counts the close and hands the record on; returns true when no call is left in
    /// flight. Called under the shard's lock.
    private func handOn(_ record: CallRecord, from shard: Shard) -> Bool {
        shard.count.subtract(1, ordering: .relaxed)
        let left = total.subtract(1, ordering: .relaxed).newValue
        onClose(record)
        return left == 0
    }

    private func lose(_ call: InFlightCall, _ reason: String) -> CallRecord {
        var record = call.record
        if let ended = call.endedCall { fill(&record, from: ended) }
        record.outcome = .lost
        record.error = reason
        return record
    }

    /// The outcome from the legs, the job and the hold (``CallRecord/Outcome/classify(_:)``).
    private func conclude(_ call: InFlightCall) -> CallRecord {
        var record = call.record
        if let ended = call.endedCall { fill(&record, from: ended) }
        let job = call.job
        let jobCause: String? = job.flatMap { job in
            job.ok ? nil : job.text.hasPrefix("-ERR ") ? String(job.text.dropFirst(5)) : job.text
        }
        if record.hangupCause == nil { record.hangupCause = jobCause }
        record.outcome = CallRecord.Outcome.classify(record)
        if record.outcome == .failed, let job, !job.ok { record.error = job.text }
        return record
    }

    private func fill(_ record: inout CallRecord, from call: Call) {
        guard let leg = call.originatingSession ?? call.sessions.first else { return }
        record.createdAt = leg.localTimes.created
        record.progressAt = [leg.localTimes.ringing, leg.localTimes.earlyMedia].compactMap { $0 }.min()
        record.answeredAt = leg.localTimes.answered
        record.hangupAt = leg.localTimes.hungUp
        record.serverCreated = leg.serverTimes.created
        record.serverProgress = [leg.serverTimes.ringing, leg.serverTimes.earlyMedia].compactMap { $0 }.min()
        record.serverAnswered = leg.serverTimes.answered
        record.serverHangup = leg.serverTimes.hungUp
        record.hangupCause = leg.hangupCause
        record.sipStatus = leg.sipStatus ?? call.sessions.lazy.compactMap(\.sipStatus).first
        if let rtp = leg.rtp { record.setMedia(rtp) }
        if let far = call.sessions.first(where: { $0.uuid != leg.uuid })?.rtp {
            record.farRTPInPackets = far.inPackets
            record.farMOS = far.receivedMOS
        }
    }
}
