/// The `.sent.txt` sidecar of a capture: what the recording client wrote, and how many
/// bytes it had received (`raw_offset`) at that moment.
public struct SentScript: Sendable {
    /// One `SEND` line.
    public struct Send: Sendable, Equatable {
        /// Bytes received from the server before this command was written.
        public var rawOffset: Int
        /// The exact bytes written.
        public var bytes: [UInt8]
        /// The bytes as text.
        public var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    public var sends: [Send]
    /// Offset of the `EOF` line (the server closed), if the capture has one.
    public var eofOffset: Int?
    /// The `NOTE` lines' texts, in order.
    public var notes: [String]

    public struct ParseError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Parses a sidecar's text.
    public init(parsing text: String) throws {
        sends = []
        notes = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) where !line.hasPrefix("#") {
            let fields = line.split(separator: " ", maxSplits: 4, omittingEmptySubsequences: true)
            guard fields.count >= 3 else { continue }
            if fields[2] == "NOTE" {
                notes.append(fields.count > 3 ? String(line[fields[3].startIndex...].drop { $0 == " " }) : "")
                continue
            }
            guard fields.count >= 4, fields[2].hasPrefix("raw_offset="), let offset = Int(fields[2].dropFirst(11)) else {
                continue
            }
            switch fields[3] {
            case "SEND":
                guard fields.count == 5 else { throw ParseError(description: "SEND without bytes: \(line)") }
                sends.append(Send(rawOffset: offset, bytes: try Self.pythonBytes(fields[4].drop { $0 == " " })))
            case "EOF":
                eofOffset = offset
            default:
                break
            }
        }
    }

    /// Loads the sidecar of a capture (`"01"` or its full name).
    public static func load(_ capture: String) throws -> SentScript {
        try SentScript(parsing: Fixtures.sent(capture))
    }

    /// Decodes a Python bytes literal: `b'auth ClueCon\n\n'`.
    static func pythonBytes(_ literal: Substring) throws -> [UInt8] {
        let text = Array(literal.utf8)
        guard text.count >= 3, text[0] == UInt8(ascii: "b"), let quote = text.dropFirst().first,
            quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\""), text.last == quote
        else { throw ParseError(description: "not a bytes literal: \(literal)") }
        var out: [UInt8] = []
        var index = 2
        let end = text.count - 1
        while index < end {
            let byte = text[index]
            index += 1
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                continue
            }
            guard index < end else { throw ParseError(description: "dangling backslash in \(literal)") }
            let escape = text[index]
            index += 1
            switch escape {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): out.append(escape)
            case UInt8(ascii: "x"):
                guard index + 2 <= end, let value = UInt8(String(decoding: text[index..<index + 2], as: UTF8.self), radix: 16)
                else { throw ParseError(description: "bad \\x escape in \(literal)") }
                out.append(value)
                index += 2
            default:
                throw ParseError(description: "unknown escape \\\(Character(Unicode.Scalar(escape))) in \(literal)")
            }
        }
        return out
    }
}
