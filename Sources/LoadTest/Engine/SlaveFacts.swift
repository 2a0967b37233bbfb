/// What preflight reads from a slave's `api` output.
public enum SlaveFacts {
    /// Limits and load from `api status`.
    public struct Status: Sendable, Equatable {
        /// `N session(s) - peak …`: channels up now.
        public var sessions: Int?
        /// `… per Sec out of max N`: the sessions-per-second limit.
        public var maxSessionsPerSecond: Int?
        /// `N session(s) max`.
        public var maxSessions: Int?

        public init(sessions: Int? = nil, maxSessionsPerSecond: Int? = nil, maxSessions: Int? = nil) {
            self.sessions = sessions
            self.maxSessionsPerSecond = maxSessionsPerSecond
            self.maxSessions = maxSessions
        }
    }

    /// The limits and sessions of `api status` (parsed by ``SlaveHealth/Status``):
    ///
    ///     0 session(s) - peak 353, last 5min 0
    ///     0 session(s) per Sec out of max 10000, peak 9998, last 5min 0
    ///     10000 session(s) max
    public static func status(_ text: String) -> Status {
        let status = SlaveHealth.Status(parsing: text)
        return Status(
            sessions: status.sessions, maxSessionsPerSecond: status.maxSessionsPerSecond, maxSessions: status.maxSessions)
    }

    /// The value in an `fsctl sps` / `fsctl max_sessions` reply, with or without a new
    /// value given: `+OK sessions per second: 30`, `+OK max sessions: 1000` (nil for
    /// anything else).
    public static func fsctlValue(_ reply: String) -> Int? {
        guard reply.hasPrefix("+OK"), let colon = reply.lastIndex(of: ":") else { return nil }
        return Int(reply[reply.index(after: colon)...].trimmingCharacters(in: " \n"))
    }

    /// The SIP address (`host:port`) of a sofia profile, from the `BIND-URL` line of
    /// `api sofia status profile <name>`, as the original Switchy reads it:
    ///
    ///     BIND-URL         \tsip:mod_sofia@127.0.0.1:5080;maddr=127.0.0.1;transport=udp,tcp
    ///
    /// gives `127.0.0.1:5080`. Nil when the line is missing (unknown profile).
    public static func sipAddress(fromProfileStatus text: String) -> String? {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("BIND-URL") }) else { return nil }
        let value = line.dropFirst("BIND-URL".count).drop { $0 == " " || $0 == "\t" }
        var uri = value.prefix { $0 != ";" }
        if uri.hasPrefix("sip:") || uri.hasPrefix("sips:") { uri = uri.drop { $0 != ":" }.dropFirst() }
        if let at = uri.lastIndex(of: "@") { uri = uri[uri.index(after: at)...] }
        return uri.isEmpty ? nil : String(uri)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in characters: String) -> Substring {
        var text = self
        while let last = text.last, characters.contains(last) { text.removeLast() }
        while let first = text.first, characters.contains(first) { text.removeFirst() }
        return text
    }
}
