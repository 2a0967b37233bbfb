import ESL

/// Turns channel events into ``Session`` and ``Call`` state. Pure and single-threaded:
/// the listener feeds it under its lock, on its reader thread; tests feed it the real
/// captures.
///
/// Rules (ARCHITECTURE.md, "Correlation"):
/// - a leg is keyed by `Unique-ID`; its call by `variable_sip_h_X-switchy_orig` (set on
///   both legs by our originate), else by its own uuid; a leg is first tracked from an
///   event that carries channel variables;
/// - state only moves forward: a late or duplicate event fills in a missing time but
///   never takes a leg back; CHANNEL_DESTROY without CREATE is a leg that failed before
///   it existed (an unknown profile);
/// - a call ends when all its known legs are destroyed; it is then forgotten, and
///   events that straggle in for its legs are ignored (so are new legs of it). A call
///   can also be forgotten before it ends, with the same effect. With
///   `keepsEndedCalls`, an ended call stays in ``calls`` (its events still ignored)
///   until its owner forgets it: the listener does so once the call's end has been
///   delivered to its callbacks, so a callback never finds a call gone that it has not
///   yet been told has ended.
///
/// The hot path (an event of a leg already tracked) makes no `String`: the event's
/// name and `Unique-ID` are read as bytes, legs and calls are keyed by a uuid's 128
/// bits (``UUIDKey``), and the leg is updated in place in its table (``LegTable``).
struct CallTracker {
    private(set) var sessions = LegTable()
    /// Call key → the call's uuid and its legs' keys, originating leg first.
    private(set) var calls = DenseTable<Legs>()
    private var ended = RecentSet(capacity: 65_536)

    /// Whether to keep every `variable_*` of each leg (costly at high rates).
    var keepVariables: Bool
    /// Gives sessions a way to send their commands.
    var control: SessionControl?
    /// Whether an ended call stays tracked until ``forget(_:)`` (see above).
    var keepsEndedCalls = false

    /// One call's uuid and its legs.
    struct Legs {
        var uuid: String
        var keys: LegKeys
        /// The call has ended and waits to be forgotten (`keepsEndedCalls`).
        var ended = false
    }

    init(keepVariables: Bool = true, control: SessionControl? = nil) {
        self.keepVariables = keepVariables
        self.control = control
    }

    /// Makes room for `legs` legs, and as many calls, at once
    /// (``DenseTable/reserveCapacity(_:)``).
    mutating func reserveCapacity(legs: Int) {
        guard legs > 0 else { return }
        sessions.reserveCapacity(legs)
        calls.reserveCapacity(legs)
    }

    /// What one event changed.
    struct Change {
        /// The leg after the event.
        var session: Session
        /// The state it had before (nil for a leg first seen now).
        var previousState: Session.State?
        /// The call, once it has ended with this event (then forgotten).
        var endedCall: Call?
    }

    /// What one event changed, without copying the leg out: the listener's hot path,
    /// which reads the leg (``sessions``) or its call (``call(_:)``) only when a
    /// callback wants them.
    struct Update {
        /// The leg's key in ``sessions``.
        var key: UUIDKey
        /// Its call's key in ``calls``.
        var callKey: UUIDKey
        /// The call, once it has ended with this event.
        var endedCall: Call?
    }

    /// Applies one event and returns the leg as it left it.
    /// - Parameters:
    ///   - kind: what the event's `Event-Name` says (``Kind/init(_:)``).
    ///   - now: the local monotonic time of arrival, in ns.
    /// - Returns: the change, or nil when the event is not about a leg we track.
    mutating func apply(_ event: Event, kind: Kind, now: Int64) -> Change? {
        let previous = UUIDKey(event, "Unique-ID").flatMap { sessions[$0]?.state }
        guard let update = update(with: event, kind: kind, now: now) else { return nil }
        // Without `keepsEndedCalls` an ended call's legs are gone from `sessions`.
        let session = sessions[update.key] ?? update.endedCall?.sessions.first { UUIDKey($0.uuid) == update.key }
        return session.map { Change(session: $0, previousState: previous, endedCall: update.endedCall) }
    }

    /// Applies one event (see ``apply(_:kind:now:)``), leaving the leg in place.
    mutating func update(with event: Event, kind: Kind, now: Int64) -> Update? {
        guard kind.isChannel, let key = UUIDKey(event, "Unique-ID") else { return nil }
        if let slot = sessions.slot(of: key) {
            // A tracked leg is never among the ended ones (`forget` moves it there),
            // unless its ended call is kept; only a destroyed leg can belong to one.
            let callKey = sessions[slot: slot].callKey
            if sessions[slot: slot].state == .destroyed, calls[callKey]?.ended == true { return nil }
            Self.update(&sessions[slot: slot], kind: kind, event: event, now: now, keepVariables: keepVariables)
            let destroyed = sessions[slot: slot].state == .destroyed
            return Update(key: key, callKey: callKey, endedCall: destroyed ? endCall(callKey) : nil)
        }
        guard !ended.contains(key) else { return nil }
        // Only an event with channel variables says which call a leg belongs to;
        // CHANNEL_STATE, CODEC and the like (no variables) wait for one.
        guard event.contains("variable_uuid"), let uuid = event.uniqueID else { return nil }
        // One `String` per call where it can be: the originating leg's call uuid is its
        // own, and a later leg takes its call's.
        var callUUID = uuid
        var callKey = key
        if let named = event["variable_sip_h_X-switchy_orig"], named != uuid {
            callKey = UUIDKey(named)
            callUUID = calls[callKey]?.uuid ?? named
        }
        // A late leg of a call that is over (or given up on) does not bring it back.
        guard !ended.contains(callKey) else { return nil }
        let direction: Session.Direction = event["Call-Direction"] == "inbound" ? .inbound : .outbound
        var session = Session(uuid: uuid, callUUID: callUUID, direction: direction, control: control)
        attach(key, uuid: uuid, to: callKey, callUUID: callUUID)
        Self.update(&session, kind: kind, event: event, now: now, keepVariables: keepVariables)
        let destroyed = session.state == .destroyed
        sessions[key] = session
        return Update(key: key, callKey: callKey, endedCall: destroyed ? endCall(callKey) : nil)
    }

    /// Ends the call `callKey` when a leg of it was just destroyed and it was the last
    /// one: returns the ended call, kept as ended (`keepsEndedCalls`) or forgotten.
    private mutating func endCall(_ callKey: UUIDKey) -> Call? {
        guard let legs = calls[callKey] else { return nil }
        let call = self.call(legs)
        guard call.isEnded else { return nil }
        if keepsEndedCalls {
            calls[callKey]?.ended = true
            // New legs of it are ignored from now on, as if it were forgotten.
            ended.insert(callKey)
        } else {
            forget(call)
        }
        return call
    }

    /// What the tracker does with an event, read from its `Event-Name` bytes.
    enum Kind: Equatable {
        case create, progress, progressMedia, answer, hangup, destroy
        /// Another channel event, CALL_UPDATE or DTMF: tracked, marks nothing.
        case otherChannel
        /// BACKGROUND_JOB: a `bgapi` result, for the job table.
        case backgroundJob
        /// HEARTBEAT: the slave's figures.
        case heartbeat
        /// Anything else.
        case notChannel

        /// True for the events the tracker applies.
        var isChannel: Bool {
            switch self {
            case .backgroundJob, .heartbeat, .notChannel: false
            default: true
            }
        }

        init(_ event: Event) {
            self = event.rawValue(of: "Event-Name").map { $0.withUnsafeBufferPointer { Kind(name: $0) } } ?? .notChannel
        }

        init(name: UnsafeBufferPointer<UInt8>) {
            let prefix: StaticString = "CHANNEL_"
            guard name.starts(with: UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)) else {
                self =
                    if Kind.equals(name, "CALL_UPDATE") || Kind.equals(name, "DTMF") {
                        .otherChannel
                    } else if Kind.equals(name, "BACKGROUND_JOB") {
                        .backgroundJob
                    } else if Kind.equals(name, "HEARTBEAT") {
                        .heartbeat
                    } else {
                        .notChannel
                    }
                return
            }
            let rest = UnsafeBufferPointer(rebasing: name[prefix.utf8CodeUnitCount...])
            for (text, kind) in Kind.channelNames where Kind.equals(rest, text) {
                self = kind
                return
            }
            self = .otherChannel
        }

        private static let channelNames: [(StaticString, Kind)] = [
            ("CREATE", .create), ("PROGRESS", .progress), ("PROGRESS_MEDIA", .progressMedia), ("ANSWER", .answer),
            ("HANGUP", .hangup), ("HANGUP_COMPLETE", .hangup), ("DESTROY", .destroy),
        ]

        private static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
            bytes.elementsEqual(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }
    }

    private static func update(
        _ session: inout Session, kind: Kind, event: Event, now: Int64, keepVariables: Bool
    ) {
        if session.appID == nil, let app = event["variable_switchy_app"] { session.appID = app }

        /// Stamps `state`'s times (server and local) if not yet known. A `switch`
        /// through ``Session/Times/subscript(_:)``, not a key path: key paths went
        /// through the runtime's generic projection on every event.
        func mark(_ state: Session.State, _ header: String) {
            if session.serverTimes[state] == nil {
                let server = event[header].flatMap { Int64($0) }.flatMap { $0 > 0 ? $0 : nil }
                // Read only when needed: most events mark nothing new.
                session.serverTimes[state] = server ?? event["Event-Date-Timestamp"].flatMap { Int64($0) }
            }
            if session.localTimes[state] == nil { session.localTimes[state] = now }
            if session.state < state { session.state = state }
        }

        switch kind {
        case .create:
            mark(.created, "Caller-Channel-Created-Time")
        case .progress:
            mark(.ringing, "Caller-Channel-Progress-Time")
        case .progressMedia:
            mark(.earlyMedia, "Caller-Channel-Progress-Media-Time")
        case .answer:
            mark(.answered, "Caller-Channel-Answered-Time")
        case .hangup:
            // Caller-Channel-Hangup-Time is 0 in CHANNEL_HANGUP (esl-protocol.md §10.11).
            mark(.hungUp, "Caller-Channel-Hangup-Time")
            readHangup(event, into: &session)
        case .destroy:
            if session.state < .hungUp { mark(.hungUp, "Caller-Channel-Hangup-Time") }
            readHangup(event, into: &session)
            session.state = .destroyed
        case .otherChannel, .backgroundJob, .heartbeat, .notChannel:
            break
        }
        if keepVariables, event.contains("variable_uuid") {
            for (header, value) in event.headers where header.hasPrefix("variable_") {
                session.variables[String(header.dropFirst(9))] = value
            }
        }
    }

    /// The leg `uuid`, if tracked.
    func session(_ uuid: String) -> Session? { sessions[UUIDKey(uuid)] }

    /// A snapshot of the call `uuid`.
    func call(_ uuid: String) -> Call? { call(UUIDKey(uuid)) }

    /// A snapshot of the call keyed `key`.
    func call(_ key: UUIDKey) -> Call? { calls[key].map(call) }

    /// Every call tracked, as snapshots.
    var allCalls: [Call] { calls.values.map(call) }

    private func call(_ legs: Legs) -> Call {
        Call(uuid: legs.uuid, sessions: legs.keys.compactMap { sessions[$0] })
    }

    /// Drops a call and its legs (a listener that lost its connection closes them out).
    mutating func forget(_ call: Call) {
        calls[UUIDKey(call.uuid)] = nil
        for session in call.sessions {
            let key = UUIDKey(session.uuid)
            sessions[key] = nil
            ended.insert(key)
        }
    }

    /// Drops the call `uuid` whether or not it has ended, and ignores its legs' later
    /// events (its owner gave up on it).
    mutating func forget(callUUID uuid: String) {
        if let call = call(uuid) { forget(call) }
        ended.insert(UUIDKey(uuid))
    }

    /// Drops every call (their connection is gone).
    mutating func forgetAll() {
        for key in sessions.keys { ended.insert(key) }
        sessions.removeAll()
        calls.removeAll()
    }

    private mutating func attach(_ key: UUIDKey, uuid: String, to callKey: UUIDKey, callUUID: String) {
        var legs = calls[callKey] ?? Legs(uuid: callUUID, keys: LegKeys())
        // The originating leg goes first, whenever it shows up.
        if key == callKey { legs.keys.insertFirst(key) } else { legs.keys.append(key) }
        calls[callKey] = legs
    }

    private static func readHangup(_ event: Event, into session: inout Session) {
        if session.hangupCause == nil, let cause = event["Hangup-Cause"] { session.hangupCause = cause }
        // CHANNEL_HANGUP has none; HANGUP_COMPLETE and DESTROY carry the same figures.
        if session.rtp == nil { session.rtp = RTPStatistics(event) }
        // The hangup events carry the answer time too: a leg whose CHANNEL_ANSWER was
        // lost (FreeSWITCH drops events silently when a client falls behind) is still
        // known to have been answered. Only the server's time is known then.
        if session.serverTimes.answered == nil,
            let answered = event["Caller-Channel-Answered-Time"].flatMap({ Int64($0) }), answered > 0
        {
            session.serverTimes.answered = answered
        }
        if session.sipStatus == nil {
            if let status = event["variable_sip_term_status"].flatMap({ Int($0) }) {
                session.sipStatus = status
            } else if let proto = event["variable_proto_specific_hangup_cause"], proto.hasPrefix("sip:") {
                session.sipStatus = Int(proto.dropFirst(4))
            }
        }
    }
}
