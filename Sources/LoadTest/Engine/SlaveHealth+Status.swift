/// What a slave says of its own load, read once a second while a run goes (see
/// ``SlaveHealthSampler``).
public enum SlaveHealth {
    /// The figures of `api status` (FreeSWITCH 1.10.12, capture 26, 1 s into 40 calls
    /// held):
    ///
    ///     UP 0 years, 0 days, 0 hours, 1 minute, 22 seconds, 820 milliseconds, 556 microseconds
    ///     FreeSWITCH (Version 1.10.12-release  64bit) is ready
    ///     54 session(s) since startup
    ///     40 session(s) - peak 40, last 5min 40 
    ///     40 session(s) per Sec out of max 200, peak 40, last 5min 40 
    ///     2000 session(s) max
    ///     min idle cpu 0.00/95.17
    ///     Current Stack Size/Max 240K/240K
    ///
    /// "per Sec" is the sessions created in the last full second (`fsctl last_sps` says
    /// the same), "out of max" the `sessions-per-second` limit, `min idle cpu` the
    /// configured minimum (`min-idle-cpu`, 0: none) / the idle CPU now, in percent.
    /// A figure whose line is missing or unreadable is nil.
    public struct Status: Sendable, Equatable {
        /// `N session(s) since startup`.
        public var sessionsSinceStartup: Int?
        /// `N session(s) - peak P, last 5min F`: channels up now, the peak since
        /// startup, the peak of the current five-minute window.
        public var sessions: Int?
        public var peakSessions: Int?
        public var fiveMinutePeakSessions: Int?
        /// `N session(s) per Sec out of max M, peak P, last 5min F`: sessions created in
        /// the last second, the limit, the peaks.
        public var sessionsPerSecond: Int?
        public var maxSessionsPerSecond: Int?
        public var peakSessionsPerSecond: Int?
        public var fiveMinutePeakSessionsPerSecond: Int?
        /// `N session(s) max`.
        public var maxSessions: Int?
        /// `min idle cpu C/N`: the configured minimum idle CPU (%) below which
        /// FreeSWITCH refuses new sessions, and the idle CPU now (%).
        public var minIdleCPU: Double?
        public var idleCPU: Double?

        public init(
            sessions: Int? = nil, sessionsPerSecond: Int? = nil, maxSessionsPerSecond: Int? = nil, maxSessions: Int? = nil,
            idleCPU: Double? = nil
        ) {
            self.sessions = sessions
            self.sessionsPerSecond = sessionsPerSecond
            self.maxSessionsPerSecond = maxSessionsPerSecond
            self.maxSessions = maxSessions
            self.idleCPU = idleCPU
        }

        /// Parses the output of `api status`, line by line; lines it does not know are
        /// skipped.
        public init(parsing text: String) {
            for line in text.split(whereSeparator: \.isNewline) {
                let numbers = Self.numbers(in: line)
                if line.hasSuffix("session(s) since startup") {
                    sessionsSinceStartup = numbers.first
                } else if line.contains("session(s) per Sec out of max") {
                    (sessionsPerSecond, maxSessionsPerSecond) = (numbers.at(0), numbers.at(1))
                    (peakSessionsPerSecond, fiveMinutePeakSessionsPerSecond) = (numbers.at(2), numbers.at(3))
                } else if line.contains("session(s) - peak") {
                    (sessions, peakSessions, fiveMinutePeakSessions) = (numbers.at(0), numbers.at(1), numbers.at(2))
                } else if line.hasSuffix("session(s) max") {
                    maxSessions = numbers.first
                } else if line.hasPrefix("min idle cpu"), let pair = line.split(separator: " ").last {
                    let parts = pair.split(separator: "/")
                    if parts.count == 2 { (minIdleCPU, idleCPU) = (Double(parts[0]), Double(parts[1])) }
                }
            }
        }

        /// The whole numbers among a line's words (`40,` counts; `5min` does not).
        private static func numbers(in line: Substring) -> [Int] {
            line.split(separator: " ").compactMap { word in Int(word.hasSuffix(",") ? word.dropLast() : word) }
        }
    }
}

extension Array {
    /// The element at `index`, nil past the end.
    fileprivate func at(_ index: Int) -> Element? { index < count ? self[index] : nil }
}
