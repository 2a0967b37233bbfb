public import ESL

/// A slave's figures from its latest HEARTBEAT event (every 20 s by default).
///
/// Read `Session-Per-Sec` with care: it is the *remaining* budget of the current
/// second, not a rate, and wraps to about 4294967xxx while FreeSWITCH refuses calls
/// (esl-protocol.md §10.9).
public struct Heartbeat: Sendable, Equatable {
    /// `Core-UUID`: changes when FreeSWITCH restarts.
    public var coreUUID: String?
    /// `Event-Date-Timestamp`, µs since the epoch (server clock).
    public var timestamp: Int64?
    /// `Session-Count`: channels up now.
    public var sessionCount: Int?
    /// `Max-Sessions`.
    public var maxSessions: Int?
    /// `Session-Per-Sec`: the remaining budget of this second (see above).
    public var sessionsPerSecond: Int?
    /// `Session-Per-Sec-Last`: session requests in the last second, refused ones included.
    public var sessionsPerSecondLast: Int?
    /// `Session-Per-Sec-Max`.
    public var sessionsPerSecondMax: Int?
    /// `Session-Peak-Max`.
    public var sessionPeakMax: Int?
    /// `Session-Peak-FiveMin`.
    public var sessionPeakFiveMin: Int?
    /// `Session-Since-Startup`.
    public var sessionsSinceStartup: Int?
    /// `Idle-CPU`, percent.
    public var idleCPU: Double?
    /// `Uptime-msec`.
    public var uptimeMs: Int64?

    public init() {}

    /// Reads the figures of a HEARTBEAT event.
    public init(_ event: Event) {
        coreUUID = event["Core-UUID"]
        timestamp = event["Event-Date-Timestamp"].flatMap { Int64($0) }
        sessionCount = event["Session-Count"].flatMap { Int($0) }
        maxSessions = event["Max-Sessions"].flatMap { Int($0) }
        sessionsPerSecond = event["Session-Per-Sec"].flatMap { Int($0) }
        sessionsPerSecondLast = event["Session-Per-Sec-Last"].flatMap { Int($0) }
        sessionsPerSecondMax = event["Session-Per-Sec-Max"].flatMap { Int($0) }
        sessionPeakMax = event["Session-Peak-Max"].flatMap { Int($0) }
        sessionPeakFiveMin = event["Session-Peak-FiveMin"].flatMap { Int($0) }
        sessionsSinceStartup = event["Session-Since-Startup"].flatMap { Int($0) }
        idleCPU = event["Idle-CPU"].flatMap { Double($0) }
        uptimeMs = event["Uptime-msec"].flatMap { Int64($0) }
    }
}
