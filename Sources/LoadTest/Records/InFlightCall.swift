import Switchy

/// One call in flight as ``CallLedger`` keeps it: only what a call can have before it is
/// over, with "not yet" times as a sentinel instead of optionals, about 190 bytes where a
/// whole ``CallRecord`` (whose every optional takes 16) is 432. The record is built
/// when the call closes (``record``).
///
/// An offered record that carries more than these fields (a test's, say) keeps a copy
/// of itself in ``offered``, so nothing it says is lost; the engine's never do.
struct InFlightCall {
    static let notYet = Int64.min

    /// The call's uuid, as 128 bits when it is a canonical one: the uuid's `String`
    /// (an 80-byte heap object) is not kept while the call is in flight.
    var key: UUIDKey
    var slave: String
    var app: String?
    /// The `error` of the record if the deadline passes.
    var overdue: String?
    /// The BACKGROUND_JOB's body, trimmed; nil until it arrives. A failure starts with `-`.
    var jobText: String?
    var endedCall: Call?
    var seq: Int
    var deadline: Int64
    var scheduledAt: Int64
    var sentAt = notYet
    var writtenAt = notYet
    var hangupRequestedAt = notYet
    var jobDoneAt = notYet
    /// When every leg of the call was seen destroyed.
    var endedAt = notYet
    var plannedHold = notYet
    /// The search step, `Int32.min` outside a search.
    var step = Int32.min
    var media: CallMedia
    /// The offered record, when it says more than the fields above.
    var offered: OfferedRecord?

    final class OfferedRecord: Sendable {
        let record: CallRecord
        init(_ record: CallRecord) { self.record = record }
    }

    init(_ record: CallRecord, deadline: Int64, overdue: String?) {
        key = UUIDKey(record.callUUID)
        slave = record.slave
        app = record.app
        self.overdue = overdue
        seq = record.seq
        self.deadline = deadline
        scheduledAt = record.scheduledAt
        media = record.media
        sentAt = record.sentAt ?? Self.notYet
        writtenAt = record.writtenAt ?? Self.notYet
        hangupRequestedAt = record.hangupRequestedAt ?? Self.notYet
        jobDoneAt = record.jobDoneAt ?? Self.notYet
        plannedHold = record.plannedHold ?? Self.notYet
        step = record.step.flatMap { Int32(exactly: $0) } ?? Int32.min
        // A field the entry cannot hold (or a value equal to a sentinel) keeps the record.
        if self.record(callUUID: record.callUUID) != record { offered = OfferedRecord(record) }
    }

    var callUUID: String { key.text }

    var job: (ok: Bool, text: String)? { jobText.map { (!$0.hasPrefix("-"), $0) } }

    /// The record so far: the offered one with what happened since.
    var record: CallRecord { record(callUUID: callUUID) }

    /// ``record``, given the uuid's text (``key`` written out is the same).
    private func record(callUUID: String) -> CallRecord {
        guard let offered else {
            var record = CallRecord(seq: seq, callUUID: callUUID, slave: slave, app: app, scheduledAt: scheduledAt)
            record.media = media
            record.sentAt = Self.optional(sentAt)
            record.writtenAt = Self.optional(writtenAt)
            record.hangupRequestedAt = Self.optional(hangupRequestedAt)
            record.jobDoneAt = Self.optional(jobDoneAt)
            record.plannedHold = Self.optional(plannedHold)
            record.step = step == Int32.min ? nil : Int(step)
            return record
        }
        // The offered record, with the times set since (the others are as offered).
        var record = offered.record
        if sentAt != Self.notYet { record.sentAt = sentAt }
        if writtenAt != Self.notYet { record.writtenAt = writtenAt }
        if hangupRequestedAt != Self.notYet { record.hangupRequestedAt = hangupRequestedAt }
        if jobDoneAt != Self.notYet { record.jobDoneAt = jobDoneAt }
        return record
    }

    private static func optional(_ time: Int64) -> Int64? { time == notYet ? nil : time }
}

/// A shard's calls in flight, stored densely by their uuids' keys: a ``UUIDIndex``
/// (4 bytes a bucket) and the calls in an array beside it, in the same slots, without
/// holes. The array is reserved once for the calls the plan expects
/// (``RunPlan/expectedInFlight``), so it does not double (and copy itself) while the
/// calls come.
struct InFlightTable {
    private var index = UUIDIndex()
    private var calls: [InFlightCall] = []

    init(reserving capacity: Int = 0) {
        guard capacity > 0 else { return }
        index.reserveCapacity(capacity)
        calls.reserveCapacity(capacity)
    }

    var count: Int { calls.count }

    /// Starts tracking `call`; one already tracked with its uuid is replaced.
    /// - Returns: true when the uuid was new.
    mutating func insert(_ call: InFlightCall) -> Bool {
        let (slot, inserted) = index.insert(call.key)
        if inserted { calls.append(call) } else { calls[slot] = call }
        return inserted
    }

    /// Runs `body` on the call `uuid` in place; nil if it is not tracked.
    mutating func update<R>(_ uuid: String, _ body: (inout InFlightCall) -> R) -> R? {
        guard let slot = index.slot(of: UUIDKey(uuid)) else { return nil }
        return body(&calls[slot])
    }

    /// Runs `body` on the call `uuid` in place, and takes it out (returning it) when
    /// `body` returns true.
    mutating func remove(_ uuid: String, after body: (inout InFlightCall) -> Bool) -> InFlightCall? {
        guard let slot = index.slot(of: UUIDKey(uuid)), body(&calls[slot]) else { return nil }
        return remove(slot: slot)
    }

    /// Runs `body` on every call in place.
    mutating func updateAll(_ body: (inout InFlightCall) -> Void) {
        for slot in calls.indices { body(&calls[slot]) }
    }

    /// Stops tracking `uuid` and returns its call.
    mutating func remove(_ uuid: String) -> InFlightCall? {
        index.slot(of: UUIDKey(uuid)).map { remove(slot: $0) }
    }

    /// Takes out every call for which `due` is true, calling `body` with each.
    mutating func removeAll(where due: (InFlightCall) -> Bool, _ body: (InFlightCall) -> Void) {
        // From the end, so the call moved into a freed slot has been looked at already.
        var slot = calls.count - 1
        while slot >= 0 {
            if due(calls[slot]) { body(remove(slot: slot)) }
            slot -= 1
        }
    }

    /// How many calls satisfy `predicate`.
    func count(where predicate: (InFlightCall) -> Bool) -> Int { calls.count(where: predicate) }

    /// The last call moves into `slot`, as its key does in the index.
    private mutating func remove(slot: Int) -> InFlightCall {
        index.remove(slot: slot)
        calls.swapAt(slot, calls.count - 1)
        return calls.removeLast()
    }
}
