/// A command to send to FreeSWITCH, encoded as the server parses it
/// (esl-protocol.md §1.5): the command line, optional `Name: value` header lines,
/// and an empty line.
///
/// Arguments may not hold a line break: the server cuts every command at the first
/// one and would read the rest as a second command, so a value taken from a profile
/// could otherwise inject commands. The constructors throw
/// ``ESLError/invalidCommand(_:)`` instead.
public struct Command: Sendable, Equatable, CustomStringConvertible {
    /// The first line, without its line break.
    public let line: String
    /// Extra header lines (`Job-UUID`), in order.
    public let headers: [Header]
    /// True when ``line`` carries a secret that must never be printed.
    let isSecret: Bool

    /// One extra header line of a command.
    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    /// The format events are sent in, chosen with `event <format> …`.
    public enum EventFormat: String, Sendable {
        case plain, json, xml
    }

    /// Whether `text` holds a character that breaks a line (`Character.isNewline`: LF,
    /// VT, FF, CR, NEL, LS, PS), read from its UTF-8 bytes: walking its `Character`s
    /// was a fifth of the scheduler's work per call.
    package static func hasLineBreak(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte >= 0x0A && byte <= 0x0D { return true }
                if byte == 0xC2, index + 1 < bytes.count, bytes[index + 1] == 0x85 { return true }
                if byte == 0xE2, index + 2 < bytes.count, bytes[index + 1] == 0x80,
                    bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9
                {
                    return true
                }
                index += 1
            }
            return false
        }
    }

    private init(line: String, headers: [Header] = [], isSecret: Bool = false) throws(ESLError) {
        func check(_ text: String) throws(ESLError) {
            guard Self.hasLineBreak(text) else { return }
            throw .invalidCommand(isSecret ? "the password holds a line break" : "a line break in \"\(text.prefix(60))\"")
        }
        try check(line)
        for header in headers {
            try check(header.name)
            try check(header.value)
        }
        self.line = line
        self.headers = headers
        self.isSecret = isSecret
    }

    /// The bytes to write: `line⏎[Name: value⏎…]⏎`.
    public var bytes: [UInt8] {
        var out = Array(line.utf8)
        out.append(0x0A)
        for header in headers {
            out += Array(header.name.utf8)
            out += [UInt8(ascii: ":"), UInt8(ascii: " ")]
            out += Array(header.value.utf8)
            out.append(0x0A)
        }
        out.append(0x0A)
        return out
    }

    /// The command as a log line; the `auth` password is masked.
    public var description: String { isSecret ? "auth ********" : line }

    /// `auth <password>`: the password is compared exactly, trailing spaces included.
    public static func auth(password: String) throws(ESLError) -> Command {
        try Command(line: "auth \(password)", isSecret: true)
    }

    /// `api <command>`: runs on the server's connection thread and blocks the connection
    /// (events included) until it returns; answered by an `api/response`.
    public static func api(_ command: String) throws(ESLError) -> Command {
        try Command(line: "api \(command)")
    }

    /// `bgapi <command>` with our own `Job-UUID` (used verbatim by the server, at most
    /// 255 characters); answered at once by a `command/reply`, the result comes later
    /// as a BACKGROUND_JOB event.
    public static func bgapi(_ command: String, jobUUID: String) throws(ESLError) -> Command {
        guard !jobUUID.isEmpty, jobUUID.utf8.count <= 255 else {
            throw .invalidCommand("a Job-UUID must have 1 to 255 characters")
        }
        return try Command(line: "bgapi \(command)", headers: [Header(name: "Job-UUID", value: jobUUID)])
    }

    /// `event <format> <names…>`: subscribes; names add up over successive commands.
    /// Put `CUSTOM <subclass…>` last: every token after `CUSTOM` is a subclass.
    public static func event(_ format: EventFormat = .plain, _ names: [String]) throws(ESLError) -> Command {
        try Command(line: (["event", format.rawValue] + names).joined(separator: " "))
    }

    /// `filter <header> <value>`: only events matching a filter are sent; an event that
    /// lacks every filtered header is dropped (esl-protocol.md §3.4).
    public static func filter(_ header: String, _ value: String) throws(ESLError) -> Command {
        try Command(line: "filter \(header) \(value)")
    }

    /// `filter delete <header> [<value>]`.
    public static func filterDelete(_ header: String, _ value: String? = nil) throws(ESLError) -> Command {
        try Command(line: "filter delete \(header)" + (value.map { " \($0)" } ?? ""))
    }

    /// `filter delete all`.
    public static let filterDeleteAll = try! Command(line: "filter delete all")

    /// `nixevent <names…>`: unsubscribes.
    public static func nixevent(_ names: [String]) throws(ESLError) -> Command {
        try Command(line: (["nixevent"] + names).joined(separator: " "))
    }

    /// `noevents`: unsubscribes from everything and drops what is queued.
    public static let noevents = try! Command(line: "noevents")

    /// `exit`: the server answers `+OK bye`, sends a disconnect notice and closes.
    public static let exit = try! Command(line: "exit")

    /// `log <level>` (a name such as `info`, or 0–7).
    public static func log(_ level: String) throws(ESLError) -> Command {
        try Command(line: "log \(level)")
    }

    /// `nolog`.
    public static let nolog = try! Command(line: "nolog")
}
