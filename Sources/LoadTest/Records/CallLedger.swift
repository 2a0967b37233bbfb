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
/// Every path goes through one `close`, which removes the entry under the lock, so a
/// call can never be recorded twice, and ``finishAll(reason:)`` records whatever is left.
/// A close holds the `closing` lock from taking its entry out until its record is in
/// the sink, so when ``finishAll(reason:)`` returns every record is in the sink, even
/// one that another thread was closing at the same moment.
public final class CallLedger: Sendable {
    private let sink: @Sendable (CallRecord) -> Void
    private let jobGrace: Int64
    private let state = Mutex(State())
    private let closing = Mutex(())

    private struct Entry {
        var record: CallRecord
        var deadline: Int64
        /// The `error` of the record if the deadline passes.
        var overdue: String?
        var job: (ok: Bool, text: String)?
        var endedCall: Call?
        var endedAt: Int64?
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var perSlave: [String: Int] = [:]
    }

    /// - Parameters:
    ///   - jobGrace: how long (ns) an ended call waits for its job result.
    ///   - sink: receives each finished record, once, on the thread that finished it.
    public init(jobGrace: Int64 = 2_000_000_000, sink: @escaping @Sendable (CallRecord) -> Void) {
        self.jobGrace = jobGrace
        self.sink = sink
    }

    /// Calls in flight.
    public var inFlight: Int { state.withLock { $0.entries.count } }

    /// Calls in flight on one slave.
    public func inFlight(on slave: String) -> Int { state.withLock { $0.perSlave[slave] ?? 0 } }

    /// Starts tracking an offered call; it must be closed by one of the events below
    /// before `deadline` (ns), or it is recorded as lost with the error `overdue`
    /// ("no end of call seen in time" if nil).
    public func offer(_ record: CallRecord, deadline: Int64, overdue: String? = nil) {
        state.withLock { state in
            state.entries[record.callUUID] = Entry(record: record, deadline: deadline, overdue: overdue)
            state.perSlave[record.slave, default: 0] += 1
        }
    }

    /// The originate command was written at `time`.
    public func sent(_ uuid: String, at time: Int64) {
        state.withLock { $0.entries[uuid]?.record.sentAt = time }
    }

    /// The originate command was refused or could not be sent.
    public func commandFailed(_ uuid: String, error: String, cause: String? = nil) {
        close(uuid) { entry in
            entry.record.outcome = .failed
            entry.record.error = error
            entry.record.hangupCause = cause
        }
    }

    /// The call's BACKGROUND_JOB arrived with `body`.
    /// - Parameter channelExists: whether the listener tracks a leg of this call.
    public func jobDone(_ uuid: String, body: String, at time: Int64, channelExists: Bool) {
        let text = body.trimmed
        let ok = !text.hasPrefix("-")
        let ready: Bool = state.withLock { state in
            guard var entry = state.entries[uuid] else { return false }
            entry.job = (ok, text)
            entry.record.jobDoneAt = time
            state.entries[uuid] = entry
            return entry.endedCall != nil || (!ok && !channelExists)
        }
        if ready { close(uuid) { entry in self.conclude(&entry) } }
    }

    /// Every leg of the call is destroyed.
    public func callEnded(_ call: Call, at time: Int64) {
        let ready: Bool = state.withLock { state in
            guard var entry = state.entries[call.uuid] else { return false }
            entry.endedCall = call
            entry.endedAt = time
            state.entries[call.uuid] = entry
            return entry.job != nil
        }
        if ready { close(call.uuid) { entry in self.conclude(&entry) } }
    }

    /// The slave's connection was lost: its calls in flight are lost.
    public func slaveLost(_ slave: String, reason: String) {
        let uuids = state.withLock { $0.entries.values.filter { $0.record.slave == slave }.map(\.record.callUUID) }
        for uuid in uuids { close(uuid) { self.lose(&$0, reason) } }
    }

    /// Closes what is due at `now`: ended calls whose job did not come within the
    /// grace, and calls past their deadline.
    public func sweep(now: Int64) {
        let due = state.withLock { state in
            state.entries.values.filter { entry in
                entry.deadline <= now || (entry.endedAt.map { $0 + self.jobGrace <= now } ?? false)
            }.map(\.record.callUUID)
        }
        for uuid in due {
            close(uuid) { entry in
                if entry.endedCall != nil {
                    self.conclude(&entry)
                } else {
                    self.lose(&entry, entry.overdue ?? "no end of call seen in time")
                }
            }
        }
    }

    /// Records every call still in flight (the run is over): ended ones from what is
    /// known, the others as lost with `reason`.
    public func finishAll(reason: String) {
        let uuids = state.withLock { Array($0.entries.keys) }
        for uuid in uuids {
            close(uuid) { entry in
                if entry.endedCall != nil { self.conclude(&entry) } else { self.lose(&entry, reason) }
            }
        }
        // Wait for a close that took its entry out before we looked and is still
        // handing its record to the sink.
        closing.withLock { _ in }
    }

    // MARK: Closing

    private func close(_ uuid: String, _ finish: (inout Entry) -> Void) {
        closing.withLock { _ in
            let removed: Entry? = state.withLock { state in
                guard let entry = state.entries.removeValue(forKey: uuid) else { return nil }
                state.perSlave[entry.record.slave, default: 1] -= 1
                return entry
            }
            guard var entry = removed else { return }
            finish(&entry)
            sink(entry.record)
        }
    }

    private func lose(_ entry: inout Entry, _ reason: String) {
        if let call = entry.endedCall { fill(&entry.record, from: call) }
        entry.record.outcome = .lost
        entry.record.error = reason
    }

    /// The outcome from the legs and the job.
    private func conclude(_ entry: inout Entry) {
        if let call = entry.endedCall { fill(&entry.record, from: call) }
        let jobCause: String? = entry.job.flatMap { job in
            job.ok ? nil : job.text.hasPrefix("-ERR ") ? String(job.text.dropFirst(5)) : job.text
        }
        if entry.record.hangupCause == nil { entry.record.hangupCause = jobCause }
        let answered = entry.record.answeredAt != nil || entry.record.serverAnswered != nil
        entry.record.outcome = CallRecord.Outcome.classify(
            answered: answered, cause: entry.record.hangupCause, sipStatus: entry.record.sipStatus)
        if entry.record.outcome == .failed, let job = entry.job, !job.ok { entry.record.error = job.text }
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
    }
}
