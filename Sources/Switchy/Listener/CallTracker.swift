import ESL

/// Turns channel events into ``Session`` and ``Call`` state. Pure and single-threaded:
/// the listener feeds it under its lock, tests feed it the real captures.
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
///   can also be forgotten before it ends, with the same effect.
struct CallTracker {
    private(set) var sessions: [String: Session] = [:]
    /// Call uuid → its legs' uuids, originating leg first.
    private(set) var calls: [String: [String]] = [:]
    private var ended = RecentSet(capacity: 65_536)

    /// Whether to keep every `variable_*` of each leg (costly at high rates).
    var keepVariables: Bool
    /// Gives sessions a way to send their commands.
    var control: SessionControl?

    init(keepVariables: Bool = true, control: SessionControl? = nil) {
        self.keepVariables = keepVariables
        self.control = control
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

    /// Applies one channel event.
    /// - Parameters:
    ///   - name: the event's `Event-Name`.
    ///   - now: the local monotonic time of arrival, in ns.
    /// - Returns: the change, or nil when the event is not about a leg we track.
    mutating func apply(_ event: Event, name: String, now: Int64) -> Change? {
        guard name.hasPrefix("CHANNEL_") || name == "CALL_UPDATE" || name == "DTMF",
            let uuid = event.uniqueID
        else { return nil }

        var session: Session
        let previous = sessions[uuid]
        // A tracked leg is never among the ended ones (`forget` moves it there), so only
        // an unknown uuid needs that second look-up.
        if previous == nil, ended.contains(uuid) { return nil }
        let carriesVariables = event.contains("variable_uuid")
        if let previous {
            session = previous
        } else {
            // Only an event with channel variables says which call a leg belongs to;
            // CHANNEL_STATE, CODEC and the like (no variables) wait for one.
            guard carriesVariables else { return nil }
            let callUUID = event["variable_sip_h_X-switchy_orig"] ?? uuid
            // A late leg of a call that is over (or given up on) does not bring it back.
            guard !ended.contains(callUUID) else { return nil }
            let direction: Session.Direction = event["Call-Direction"] == "inbound" ? .inbound : .outbound
            session = Session(uuid: uuid, callUUID: callUUID, direction: direction, control: control)
            attach(uuid, to: callUUID)
        }
        if session.appID == nil, let app = event["variable_switchy_app"] { session.appID = app }

        func mark(_ state: Session.State, _ key: WritableKeyPath<Session.Times, Int64?>, _ header: String?) {
            if session.serverTimes[keyPath: key] == nil {
                let server = header.flatMap { event[$0] }.flatMap { Int64($0) }.flatMap { $0 > 0 ? $0 : nil }
                // Read only when needed: most events mark nothing new.
                session.serverTimes[keyPath: key] = server ?? event["Event-Date-Timestamp"].flatMap { Int64($0) }
            }
            if session.localTimes[keyPath: key] == nil { session.localTimes[keyPath: key] = now }
            if session.state < state { session.state = state }
        }

        switch name {
        case "CHANNEL_CREATE":
            mark(.created, \.created, "Caller-Channel-Created-Time")
        case "CHANNEL_PROGRESS":
            mark(.ringing, \.ringing, "Caller-Channel-Progress-Time")
        case "CHANNEL_PROGRESS_MEDIA":
            mark(.earlyMedia, \.earlyMedia, "Caller-Channel-Progress-Media-Time")
        case "CHANNEL_ANSWER":
            mark(.answered, \.answered, "Caller-Channel-Answered-Time")
        case "CHANNEL_HANGUP", "CHANNEL_HANGUP_COMPLETE":
            // Caller-Channel-Hangup-Time is 0 in CHANNEL_HANGUP (esl-protocol.md §10.11).
            mark(.hungUp, \.hungUp, "Caller-Channel-Hangup-Time")
            readHangup(event, into: &session)
        case "CHANNEL_DESTROY":
            if session.state < .hungUp { mark(.hungUp, \.hungUp, "Caller-Channel-Hangup-Time") }
            readHangup(event, into: &session)
            session.state = .destroyed
        default:
            break
        }
        if keepVariables, carriesVariables {
            for (header, value) in event.headers where header.hasPrefix("variable_") {
                session.variables[String(header.dropFirst(9))] = value
            }
        }
        sessions[uuid] = session

        var change = Change(session: session, previousState: previous?.state)
        if session.state == .destroyed, let call = call(session.callUUID), call.isEnded {
            change.endedCall = call
            forget(call)
        }
        return change
    }

    /// A snapshot of the call `uuid`.
    func call(_ uuid: String) -> Call? {
        guard let legs = calls[uuid] else { return nil }
        return Call(uuid: uuid, sessions: legs.compactMap { sessions[$0] })
    }

    /// Drops a call and its legs (a listener that lost its connection closes them out).
    mutating func forget(_ call: Call) {
        calls[call.uuid] = nil
        for session in call.sessions {
            sessions[session.uuid] = nil
            ended.insert(session.uuid)
        }
    }

    /// Drops the call `uuid` whether or not it has ended, and ignores its legs' later
    /// events (its owner gave up on it).
    mutating func forget(callUUID uuid: String) {
        if let call = call(uuid) { forget(call) }
        ended.insert(uuid)
    }

    /// Drops every call (their connection is gone).
    mutating func forgetAll() {
        for uuid in sessions.keys { ended.insert(uuid) }
        sessions = [:]
        calls = [:]
    }

    private mutating func attach(_ uuid: String, to callUUID: String) {
        var legs = calls[callUUID] ?? []
        // The originating leg goes first, whenever it shows up.
        if uuid == callUUID { legs.insert(uuid, at: 0) } else { legs.append(uuid) }
        calls[callUUID] = legs
    }

    private func readHangup(_ event: Event, into session: inout Session) {
        if session.hangupCause == nil, let cause = event["Hangup-Cause"] { session.hangupCause = cause }
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
