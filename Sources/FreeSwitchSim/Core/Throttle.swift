/// FreeSWITCH's session limits (esl-protocol.md §8.1): `sessions-per-second` as a
/// budget reset once per wall-clock second, and `max-sessions`.
///
/// Every session request (refused ones included) takes one from the budget; a
/// request that leaves it ≤ 0 is refused, so the real cap is `sessions-per-second − 1`
/// a second. A new limit from `fsctl sps` applies from the next reset.
struct Throttle {
    /// The configured `sessions-per-second`.
    private(set) var sessionsPerSecond: Int
    var maxSessions: Int
    /// What is left of this second's budget (goes negative while refusing).
    private(set) var budget: Int
    private var second: Int64
    /// Session requests in the last full second (`Session-Per-Sec-Last`).
    private(set) var lastSecond = 0
    private(set) var peakPerSecond = 0
    private(set) var sessions = 0
    private(set) var peakSessions = 0
    /// The peaks of the current five-minute window (`last 5min` in `status`,
    /// `…-FiveMin` in HEARTBEAT): they start again every 300 s, so they fall after a
    /// burst where the all-time peaks stay (captures 12 and 14: peak 353, last 5min 50).
    private(set) var fiveMinutePeakPerSecond = 0
    private(set) var fiveMinutePeakSessions = 0
    private(set) var sinceStartup = 0

    init(sessionsPerSecond: Int, maxSessions: Int, second: Int64) {
        self.sessionsPerSecond = sessionsPerSecond
        self.maxSessions = maxSessions
        self.budget = sessionsPerSecond
        self.second = second
    }

    /// Resets the budget when a new second has begun.
    mutating func roll(to second: Int64) {
        guard second > self.second else { return }
        lastSecond = second == self.second + 1 ? max(0, sessionsPerSecond - budget) : 0
        peakPerSecond = max(peakPerSecond, lastSecond)
        if second / Self.window != self.second / Self.window {
            fiveMinutePeakPerSecond = 0
            fiveMinutePeakSessions = sessions
        }
        fiveMinutePeakPerSecond = max(fiveMinutePeakPerSecond, lastSecond)
        budget = sessionsPerSecond
        self.second = second
    }

    /// `fsctl sps N`: effective from the next second (the current budget is kept).
    mutating func setSessionsPerSecond(_ value: Int) { sessionsPerSecond = value }

    /// Asks for a new session at `second`; true if it may be created.
    mutating func request(at second: Int64, ignoringLimits: Bool = false) -> Bool {
        roll(to: second)
        if ignoringLimits {
            admit()
            return true
        }
        budget -= 1
        guard budget > 0, sessions + 1 <= maxSessions else { return false }
        admit()
        return true
    }

    private mutating func admit() {
        sessions += 1
        sinceStartup += 1
        peakSessions = max(peakSessions, sessions)
        fiveMinutePeakSessions = max(fiveMinutePeakSessions, sessions)
    }

    /// The five-minute window, in throttle seconds.
    private static let window: Int64 = 300

    /// A session ended.
    mutating func release() { sessions = max(0, sessions - 1) }
}
