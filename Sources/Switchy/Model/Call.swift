/// One call: the sessions (legs) that belong together, the originating leg first.
///
/// A snapshot, like ``Session``. A loop-back call, or a call whose far end is another
/// slave that this listener also hears, has its inbound leg here too: that leg is
/// matched by the `X-switchy_orig` SIP header the originate sent.
public struct Call: Sendable, Identifiable, CustomStringConvertible {
    /// The originating leg's uuid (our `origination_uuid`).
    public let uuid: String
    /// The legs, originating leg first.
    public internal(set) var sessions: [Session]

    public var id: String { uuid }

    /// The originating leg, once an event of it has been seen.
    public var originatingSession: Session? { sessions.first { $0.uuid == uuid } }

    /// The app the call belongs to (`switchy_app` of the originating leg).
    public var appID: String? { originatingSession?.appID ?? sessions.first?.appID }

    /// True when every leg seen so far has been destroyed.
    public var isEnded: Bool { !sessions.isEmpty && sessions.allSatisfy { $0.state == .destroyed } }

    public var description: String { "Call \(uuid) (\(sessions.count) session(s))" }
}
