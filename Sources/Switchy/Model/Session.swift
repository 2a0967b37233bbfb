/// One channel (one leg of a call), as its events describe it.
///
/// A `Session` is a snapshot: the listener keeps the live state and hands out copies,
/// so reading one from any thread is safe. Its commands (``hangup(cause:)`` …) go
/// through the ``Client`` attached to the listener that tracks it.
public struct Session: Sendable, Identifiable, CustomStringConvertible {
    /// The channel's `Unique-ID` (our `origination_uuid` for an originated leg).
    public let uuid: String
    /// The uuid of the call this leg belongs to (the originating leg's uuid).
    public internal(set) var callUUID: String
    /// `outbound` for a leg FreeSWITCH originated, `inbound` for one it received.
    public internal(set) var direction: Direction
    /// The furthest state reached; it never moves backwards.
    public internal(set) var state: State = .new
    /// The app this leg belongs to (`switchy_app`), if any.
    public internal(set) var appID: String?
    /// FreeSWITCH's times for this leg, in µs since the Unix epoch (server clock; they
    /// move in 20 ms steps by default).
    public internal(set) var serverTimes = Times()
    /// When the event marking each milestone arrived here, in ns of this process's
    /// monotonic clock (never compare with ``serverTimes``: the clocks differ).
    public internal(set) var localTimes = Times()
    /// `Hangup-Cause`, once the leg has hung up.
    public internal(set) var hangupCause: String?
    /// The final SIP status (`variable_sip_term_status`, or the code of
    /// `proto_specific_hangup_cause`), when FreeSWITCH reports one.
    public internal(set) var sipStatus: Int?
    /// Channel variables (`variable_*` without the prefix) from the latest event that
    /// carried them; empty when the listener does not keep variables.
    public internal(set) var variables: [String: String] = [:]
    /// The audio RTP statistics, once CHANNEL_HANGUP_COMPLETE (or CHANNEL_DESTROY)
    /// brought them; nil before, and for a leg that never had media.
    public internal(set) var rtp: RTPStatistics?

    let control: SessionControl?
    /// ``callUUID`` as the tracker's key.
    let callKey: UUIDKey

    /// Which side created the channel.
    public enum Direction: String, Sendable {
        case inbound, outbound
    }

    /// The states of a leg, in the only order they may be reached.
    public enum State: Int, Sendable, Comparable, CustomStringConvertible {
        /// Seen in an event, before its CHANNEL_CREATE.
        case new
        /// CHANNEL_CREATE.
        case created
        /// CHANNEL_PROGRESS (180 Ringing).
        case ringing
        /// CHANNEL_PROGRESS_MEDIA (183 with SDP).
        case earlyMedia
        /// CHANNEL_ANSWER.
        case answered
        /// CHANNEL_HANGUP (or HANGUP_COMPLETE).
        case hungUp
        /// CHANNEL_DESTROY: the channel is gone.
        case destroyed

        public static func < (lhs: State, rhs: State) -> Bool { lhs.rawValue < rhs.rawValue }

        public var description: String {
            switch self {
            case .new: "new"
            case .created: "created"
            case .ringing: "ringing"
            case .earlyMedia: "early media"
            case .answered: "answered"
            case .hungUp: "hung up"
            case .destroyed: "destroyed"
            }
        }
    }

    /// Milestone times of a leg; nil until reached.
    ///
    /// Kept as plain `Int64`s with `Int64.min` for "not reached" (40 bytes instead of the
    /// 80 five optionals take): the listener holds one pair per leg in flight. Setting
    /// `Int64.min` reads back as nil.
    public struct Times: Sendable, Equatable {
        private var storage = (created: Int64.min, ringing: Int64.min, earlyMedia: Int64.min, answered: Int64.min,
            hungUp: Int64.min)

        public var created: Int64? {
            get { Self.value(storage.created) }
            set { storage.created = newValue ?? .min }
        }
        public var ringing: Int64? {
            get { Self.value(storage.ringing) }
            set { storage.ringing = newValue ?? .min }
        }
        public var earlyMedia: Int64? {
            get { Self.value(storage.earlyMedia) }
            set { storage.earlyMedia = newValue ?? .min }
        }
        public var answered: Int64? {
            get { Self.value(storage.answered) }
            set { storage.answered = newValue ?? .min }
        }
        public var hungUp: Int64? {
            get { Self.value(storage.hungUp) }
            set { storage.hungUp = newValue ?? .min }
        }

        public init() {}

        public static func == (lhs: Times, rhs: Times) -> Bool {
            lhs.storage == rhs.storage
        }

        private static func value(_ stored: Int64) -> Int64? { stored == .min ? nil : stored }

        /// The time the leg reached `state` (`.created` … `.hungUp`; the others have
        /// none: nil, and setting them does nothing).
        subscript(state: State) -> Int64? {
            get {
                switch state {
                case .created: created
                case .ringing: ringing
                case .earlyMedia: earlyMedia
                case .answered: answered
                case .hungUp: hungUp
                case .new, .destroyed: nil
                }
            }
            set {
                switch state {
                case .created: created = newValue
                case .ringing: ringing = newValue
                case .earlyMedia: earlyMedia = newValue
                case .answered: answered = newValue
                case .hungUp: hungUp = newValue
                case .new, .destroyed: break
                }
            }
        }
    }

    init(uuid: String, callUUID: String, direction: Direction, control: SessionControl?) {
        self.uuid = uuid
        self.callUUID = callUUID
        self.direction = direction
        self.control = control
        self.callKey = UUIDKey(callUUID)
    }

    public var id: String { uuid }

    /// True once the leg has been answered (even if it has hung up since).
    public var wasAnswered: Bool { serverTimes.answered != nil || localTimes.answered != nil }

    public var description: String { "Session \(uuid) (\(direction.rawValue), \(state))" }
}

// MARK: - Commands

extension Session {
    /// Hangs the leg up (`uuid_kill <uuid> <cause>`).
    public func hangup(cause: String = "NORMAL_CLEARING") async throws {
        try await run("uuid_kill \(uuid) \(cause)")
    }

    /// Plays `path` (a file or `tone_stream://…`) on the leg or both legs
    /// (`uuid_broadcast <uuid> <path> <aleg|bleg|both>`).
    public func broadcast(_ path: String, leg: String = "aleg") async throws {
        try await run("uuid_broadcast \(uuid) \(path) \(leg)")
    }

    /// Sets a channel variable (`uuid_setvar`).
    public func setVariable(_ name: String, _ value: String) async throws {
        try await run("uuid_setvar \(uuid) \(name) \(value)")
    }

    /// Sends DTMF digits (`uuid_send_dtmf`).
    public func sendDTMF(_ digits: String, durationMs: Int? = nil) async throws {
        try await run("uuid_send_dtmf \(uuid) \(digits)" + (durationMs.map { "@\($0)" } ?? ""))
    }

    /// Plays a file to the leg (`uuid_broadcast … playback::<path>`-style, via `playback`).
    public func playback(_ path: String) async throws {
        try await run("uuid_broadcast \(uuid) playback::\(path) aleg")
    }

    /// Starts (or with `stop: true` stops) recording the leg to `path` (`uuid_record`).
    public func record(_ path: String, stop: Bool = false, limitSeconds: Int? = nil) async throws {
        let action = stop ? "stop" : "start"
        try await run("uuid_record \(uuid) \(action) \(path)" + (limitSeconds.map { " \($0)" } ?? ""))
    }

    /// Sends ringing (180) to the leg (`uuid_ring_ready`).
    public func ringReady() async throws {
        try await run("uuid_ring_ready \(uuid)")
    }

    /// Runs an api command through the client attached to the listener.
    /// - Throws: ``ClientError/noClient`` when no client is attached,
    ///   ``CommandError`` when FreeSWITCH answers `-ERR`.
    private func run(_ command: String) async throws {
        guard let sender = control?.sender else { throw ClientError.noClient }
        _ = try await sender.cmd(command)
    }
}

/// How a session reaches the client that sends its commands, without owning it.
final class SessionControl: Sendable {
    weak let sender: Client?
    init(_ sender: Client?) { self.sender = sender }
}
