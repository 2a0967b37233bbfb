/// A parsed `originate` command line (esl-protocol.md §6.1–6.3).
///
/// ```
/// originate {a=1,b=x\,y}[c=2]sofia/external/echo@127.0.0.1:5080;fs_path=… &park()
///           └─ global ─┘└leg┘└──────────── target ─────────────────────┘ └ app ┘
/// ```
/// Only the first leg of a `,`/`|` list is dialled.
struct OriginateRequest {
    /// Where the leg goes.
    enum Target: Equatable {
        /// `sofia/<profile>/<user>@<host>[:port]` (or without `@host`).
        case sofia(profile: String, user: String, host: String?, port: Int?)
        /// `sofia/gateway/<gateway>/<number>`.
        case gateway(name: String, number: String)
        /// Any other endpoint module.
        case unsupported(String)
        /// `sofia/…` without a second `/`.
        case invalidURL
    }

    /// What the answered leg runs.
    enum Next: Equatable {
        case application(name: String, arguments: String)
        case extensionNumber(String, dialplan: String, context: String)
    }

    /// `{}` and `<>` variables, then `[]` ones, in the order written.
    var variables: [(name: String, value: String)] = []
    var target: Target
    /// The leg text after the `[]` block, e.g. `sofia/external/echo@127.0.0.1:5080`.
    var legText: String
    var next: Next
    var timeoutSeconds = 60
    var callerIDName: String?
    var callerIDNumber: String?

    static let usage =
        "-USAGE: <call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] [<cid_name>] [<cid_num>] [<timeout_sec>]\n"

    /// The last value of a variable, if set.
    func variable(_ name: String) -> String? { variables.last { $0.name == name }?.value }

    /// Parses the argument text of `originate`; nil means `-USAGE`.
    static func parse(_ arguments: String) -> OriginateRequest? {
        let tokens = ArgumentSplitter.split(arguments)
        guard (2...7).contains(tokens.count) else { return nil }
        func token(_ index: Int) -> String? {
            guard index < tokens.count, tokens[index] != "undef", !tokens[index].isEmpty else { return nil }
            return tokens[index]
        }
        var (variables, leg) = DialString.split(tokens[0])
        let target = DialString.target(leg)
        leg = String(leg.prefix { $0 != "," && $0 != "|" })
        let nextText = tokens[1]
        let next: Next
        if nextText.hasPrefix("&") {
            let body = nextText.dropFirst()
            if let open = body.firstIndex(of: "(") {
                let name = String(body[..<open])
                let rest = body[body.index(after: open)...]
                let arguments = rest.prefix { $0 != ")" }
                next = .application(name: name, arguments: String(arguments))
            } else {
                next = .application(name: String(body), arguments: "")
            }
        } else {
            next = .extensionNumber(nextText, dialplan: token(2) ?? "XML", context: token(3) ?? "default")
        }
        var request = OriginateRequest(variables: [], target: target, legText: leg, next: next)
        request.variables = variables
        request.callerIDName = token(4)
        request.callerIDNumber = token(5)
        if let timeout = token(6).flatMap(Int.init) { request.timeoutSeconds = timeout }
        if let timeout = request.variable("originate_timeout").flatMap(Int.init) { request.timeoutSeconds = timeout }
        return request
    }
}

/// `switch_separate_string` on spaces: single quotes group (and are removed), `\`
/// escapes `'` `"` `\`, and `\n \r \t \s`; any other `\x` (such as `\,`) is kept.
enum ArgumentSplitter {
    static func split(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = String.UnicodeScalarView()
        var inQuotes = false
        var started = false
        var iterator = text.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            switch scalar {
            case "\\":
                guard let escaped = iterator.next() else {
                    current.append("\\")
                    continue
                }
                switch escaped {
                case "'", "\"", "\\": current.append(escaped)
                case "n": current.append("\n")
                case "r": current.append("\r")
                case "t": current.append("\t")
                case "s": current.append(" ")
                default:
                    current.append("\\")
                    current.append(escaped)
                }
                started = true
            case "'":
                inQuotes.toggle()
                started = true
            case " " where !inQuotes:
                if started { tokens.append(String(current)) }
                current = String.UnicodeScalarView()
                started = false
            default:
                current.append(scalar)
                started = true
            }
        }
        if started { tokens.append(String(current)) }
        return tokens
    }
}

/// Dial-string helpers: variable blocks and sofia targets.
enum DialString {
    /// Splits leading `<…>`/`{…}` blocks and a `[…]` block off `text`; returns the
    /// variables (in order written) and the rest.
    static func split(_ text: String) -> ([(name: String, value: String)], String) {
        var rest = Substring(text)
        var variables: [(name: String, value: String)] = []
        while let first = rest.first, first == "{" || first == "<" || first == "[" {
            let close: Character = first == "{" ? "}" : first == "<" ? ">" : "]"
            guard let end = closingIndex(rest, close) else { break }
            variables += parseVariables(rest[rest.index(after: rest.startIndex)..<end])
            rest = rest[rest.index(after: end)...]
        }
        return (variables, String(rest))
    }

    private static func closingIndex(_ text: Substring, _ close: Character) -> Substring.Index? {
        var index = text.index(after: text.startIndex)
        while index < text.endIndex {
            if text[index] == "\\" {
                index = text.index(after: index)
                if index < text.endIndex { index = text.index(after: index) }
                continue
            }
            if text[index] == close { return index }
            index = text.index(after: index)
        }
        return nil
    }

    /// `a=1,b=x\,y` → [("a","1"), ("b","x,y")]; values split at the first `=`.
    static func parseVariables(_ text: Substring) -> [(name: String, value: String)] {
        var items: [String] = []
        var current = String.UnicodeScalarView()
        var iterator = text.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            if scalar == "\\", let escaped = iterator.next() {
                if escaped != "," { current.append("\\") }
                current.append(escaped)
            } else if scalar == "," {
                items.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        items.append(String(current))
        return items.compactMap { item in
            guard let equals = item.firstIndex(of: "=") else { return nil }
            let name = String(item[..<equals])
            return name.isEmpty ? nil : (name, String(item[item.index(after: equals)...]))
        }
    }

    /// Reads the endpoint of a leg.
    static func target(_ leg: String) -> OriginateRequest.Target {
        let first = String(leg.prefix { $0 != "," && $0 != "|" })
        let parts = first.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.first?.lowercased() == "sofia" else { return .unsupported(String(parts.first ?? "")) }
        guard parts.count == 3 else { return .invalidURL }
        let profile = String(parts[1])
        var rest = String(parts[2])
        if profile == "gateway" {
            let gateway = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard gateway.count == 2 else { return .invalidURL }
            return .gateway(name: String(gateway[0]), number: String(gateway[1].prefix { $0 != ";" }))
        }
        rest = String(rest.prefix { $0 != ";" })
        if rest.hasPrefix("sip:") { rest.removeFirst(4) } else if rest.hasPrefix("sips:") { rest.removeFirst(5) }
        guard let at = rest.firstIndex(of: "@") else { return .sofia(profile: profile, user: rest, host: nil, port: nil) }
        let user = String(rest[..<at])
        let hostPort = rest[rest.index(after: at)...]
        if let colon = hostPort.lastIndex(of: ":"), let port = Int(hostPort[hostPort.index(after: colon)...]) {
            return .sofia(profile: profile, user: user, host: String(hostPort[..<colon]), port: port)
        }
        return .sofia(profile: profile, user: user, host: String(hostPort), port: nil)
    }
}
