import ESL
import Foundation

/// What one ESL connection receives: its event format, subscribed types and filters,
/// with mod_event_socket's exact semantics (esl-protocol.md §3.3–3.4).
struct Subscription {
    enum Format: String { case plain, json, xml }

    /// One `filter <Header> <value>` entry.
    struct Filter {
        let header: String
        /// The value as typed (a leading `+`/`-` included).
        let raw: String
        let regex: NSRegularExpression?

        init(header: String, raw: String) {
            self.header = header
            self.raw = raw
            regex = Filter.compile(raw)
        }

        private static func compile(_ raw: String) -> NSRegularExpression? {
            guard raw.hasPrefix("/") else { return nil }
            let body = raw.dropFirst()
            guard let close = body.lastIndex(of: "/") else { return nil }
            var options: NSRegularExpression.Options = []
            for flag in body[body.index(after: close)...] {
                if flag == "i" { options.insert(.caseInsensitive) }
                if flag == "s" { options.insert(.dotMatchesLineSeparators) }
            }
            return try? NSRegularExpression(pattern: String(body[..<close]), options: options)
        }
    }

    var format = Format.plain
    private(set) var all = false
    private(set) var names: Set<String> = []
    private(set) var subclasses: Set<String> = []
    private(set) var filters: [Filter] = []

    var isListening: Bool { all || !names.isEmpty || !subclasses.isEmpty }

    /// `event [plain|json|xml] <names…> [CUSTOM <subclass…>]`; returns the reply text.
    mutating func subscribe(_ arguments: String) -> String {
        var tokens = arguments.split(separator: " ").map(String.init)
        if let first = tokens.first, let format = Format(rawValue: first.lowercased()) {
            self.format = format
            tokens.removeFirst()
        }
        var recognised = 0
        var custom = false
        for token in tokens {
            if custom {
                subclasses.insert(token)
                recognised += 1
            } else if token.uppercased() == "CUSTOM" {
                custom = true
                recognised += 1
            } else if token.uppercased() == "ALL" {
                all = true
                recognised += 1
            } else if let name = EventNames.canonical(token) {
                names.insert(name)
                recognised += 1
            }
        }
        return recognised == 0 ? "-ERR no keywords supplied" : "+OK event listener enabled \(format.rawValue)"
    }

    /// `nixevent <names…>`.
    mutating func unsubscribe(_ arguments: String) -> String {
        var recognised = 0
        var custom = false
        for token in arguments.split(separator: " ").map(String.init) {
            if custom {
                subclasses.remove(token)
                recognised += 1
            } else if token.uppercased() == "CUSTOM" {
                custom = true
            } else if token.uppercased() == "ALL" {
                all = false
                names = []
                subclasses = []
                recognised += 1
            } else if let name = EventNames.canonical(token) {
                if all {
                    all = false
                    names = Set(EventNames.all)
                }
                names.remove(name)
                recognised += 1
            }
        }
        return recognised == 0 ? "-ERR no keywords supplied" : "+OK events nixed"
    }

    /// `noevents`: false when nothing was subscribed.
    mutating func clear() -> Bool {
        defer {
            all = false
            names = []
            subclasses = []
        }
        return isListening
    }

    /// `filter …` (after the keyword); returns the reply text.
    mutating func filter(_ arguments: String) -> String {
        var text = Substring(arguments)
        if text.lowercased().hasPrefix("delete") {
            text = text.dropFirst(6).drop { $0 == " " }
            guard !text.isEmpty else { return "-ERR invalid syntax" }
            let (header, value) = Self.split(text)
            if header == "all" {
                filters = []
                return "+OK filter deleted. [all][]"
            }
            filters.removeAll { $0.header == header && (value.isEmpty || $0.raw == value) }
            return "+OK filter deleted. [\(header)][\(value)]"
        }
        if text.lowercased().hasPrefix("add ") { text = text.dropFirst(4).drop { $0 == " " } }
        let (header, value) = Self.split(text)
        guard !header.isEmpty, !value.isEmpty else { return "-ERR invalid syntax" }
        filters.append(Filter(header: header, raw: value))
        return "+OK filter added. [\(header)]=[\(value)]"
    }

    private static func split(_ text: Substring) -> (String, String) {
        guard let space = text.firstIndex(of: " ") else { return (String(text), "") }
        return (String(text[..<space]), String(text[text.index(after: space)...]))
    }

    /// True when `event` passes the subscription and the filters.
    func accepts(_ event: SimEvent) -> Bool {
        guard all || names.contains(event.name) else { return false }
        return passesFilters(event)
    }

    /// The filter walk of mod_event_socket's `event_handler`: start at "don't send",
    /// skip filters whose header is missing, positives OR (skipped once sending),
    /// a matching negative stops with "don't send".
    func passesFilters(_ event: SimEvent) -> Bool {
        guard !filters.isEmpty else { return true }
        var send = false
        for filter in filters {
            var raw = Substring(filter.raw)
            var positive = true
            if raw.first == "+" {
                raw = raw.dropFirst()
            } else if raw.first == "-" {
                positive = false
                raw = raw.dropFirst()
            }
            raw = raw.drop { $0 == " " }
            // A positive filter is skipped once sending, header or not, so it is not
            // looked up: the look-up is the costly part, done for every event and filter.
            if positive, send { continue }
            guard let value = event.value(of: filter.header) else { continue }
            let matched: Bool
            if let regex = filter.regex {
                matched = regex.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) != nil
            } else {
                matched = raw.lowercased() == value.lowercased()
            }
            if matched {
                if positive {
                    send = true
                } else {
                    return false
                }
            }
        }
        return send
    }
}
