/// Replies to the commands that only change per-connection settings or need a
/// controlled session (esl-protocol.md §3): `log`, `nolog`, `linger`, `nolinger`,
/// `divert_events`, `myevents`, and anything unknown.
enum SessionReplies {
    struct State {
        var logging = false
    }

    static let levels = ["console": 0, "alert": 1, "crit": 2, "err": 3, "warning": 4, "notice": 5, "info": 6, "debug": 7]

    static func reply(to line: String, state: inout State) -> String {
        let lower = line.lowercased()
        if lower.hasPrefix("nolog") {
            defer { state.logging = false }
            return state.logging ? "+OK no longer logging" : "-ERR not loging"
        }
        if lower.hasPrefix("nolinger") || lower.hasPrefix("linger") { return "-ERR not controlling a session" }
        if lower.hasPrefix("divert_events") { return "-ERR not controlling a session." }
        if lower.hasPrefix("log") {
            let level = String(line.dropFirst(3).drop { $0 == " " })
            let number: Int?
            if level.isEmpty { number = 7 } else if let value = Int(level), (0...7).contains(value) { number = value } else {
                number = levels[level.lowercased()]
            }
            guard let number else { return "-ERR invalid log level" }
            state.logging = true
            return "+OK log level \(level) [\(number)]"
        }
        if lower.hasPrefix("myevents") { return "+OK Events Enabled" }
        if lower.hasPrefix("auth") { return "-ERR command not found" }
        return "-ERR command not found"
    }
}
