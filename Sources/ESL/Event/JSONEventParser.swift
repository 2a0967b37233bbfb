/// A small parser for FreeSWITCH's `text/event-json` bodies.
///
/// Foundation's JSON parsers are not used because real events break two of their
/// assumptions (esl-protocol.md §4.3): keys repeat (`Hangup-Cause` in
/// CHANNEL_HANGUP_COMPLETE) and cJSON copies bytes ≥ 0x80 raw, so a Latin-1 display
/// name makes the text invalid UTF-8. This parser keeps every key in order and copies
/// such bytes through (they are replaced only when a value becomes a `String`).
///
/// Accepted shape: one object whose values are strings, arrays of strings (joined as
/// `ARRAY::a|:b`, as the plain format sends them), or bare numbers, booleans and null
/// (kept as their text). `_body` becomes the event's body.
enum JSONEventParser {
    static func parse(_ input: ArraySlice<UInt8>) throws(ESLError) -> Event {
        var parser = Parser(input: Array(input))
        return try parser.parseEvent()
    }

    private struct Parser {
        let input: [UInt8]
        var index = 0
        var storage: [UInt8] = []
        var fields: [Event.Field] = []
        var bodyRange: Range<Int>?

        init(input: [UInt8]) {
            self.input = input
            storage.reserveCapacity(input.count)
        }

        mutating func parseEvent() throws(ESLError) -> Event {
            skipSpace()
            try expect(UInt8(ascii: "{"))
            skipSpace()
            if peek() == UInt8(ascii: "}") {
                index += 1
            } else {
                while true {
                    skipSpace()
                    let nameStart = storage.count
                    try parseString()
                    let nameEnd = storage.count
                    skipSpace()
                    try expect(UInt8(ascii: ":"))
                    skipSpace()
                    let valueStart = storage.count
                    try parseValue()
                    let valueEnd = storage.count
                    if nameEnd - nameStart == 5, Array(storage[nameStart..<nameEnd]) == Array("_body".utf8) {
                        bodyRange = valueStart..<valueEnd
                    } else {
                        fields.append(
                            Event.Field(
                                nameStart: Int32(nameStart), nameEnd: Int32(nameEnd),
                                valueStart: Int32(valueStart), valueEnd: Int32(valueEnd), in: storage))
                    }
                    skipSpace()
                    guard let next = peek() else { throw violation("unterminated object") }
                    index += 1
                    if next == UInt8(ascii: "}") { break }
                    guard next == UInt8(ascii: ",") else { throw violation("expected , or }") }
                }
            }
            skipSpace()
            guard index == input.count else { throw violation("trailing bytes after the object") }
            return Event(storage: storage, fields: fields, bodyRange: bodyRange, percentEncoded: false, format: .json)
        }

        private mutating func parseValue() throws(ESLError) {
            switch peek() {
            case UInt8(ascii: "\""):
                try parseString()
            case UInt8(ascii: "["):
                index += 1
                storage.append(contentsOf: "ARRAY::".utf8)
                skipSpace()
                if peek() == UInt8(ascii: "]") { index += 1; return }
                var first = true
                while true {
                    skipSpace()
                    if !first { storage.append(contentsOf: "|:".utf8) }
                    first = false
                    try parseString()
                    skipSpace()
                    guard let next = peek() else { throw violation("unterminated array") }
                    index += 1
                    if next == UInt8(ascii: "]") { return }
                    guard next == UInt8(ascii: ",") else { throw violation("expected , or ]") }
                }
            case let byte?:
                // A bare literal (number, true, false, null): keep its text.
                let start = index
                while index < input.count, !isDelimiter(input[index]) { index += 1 }
                guard index > start else { throw violation("unexpected byte 0x\(String(byte, radix: 16))") }
                storage.append(contentsOf: input[start..<index])
            case nil:
                throw violation("value expected")
            }
        }

        private mutating func parseString() throws(ESLError) {
            try expect(UInt8(ascii: "\""))
            while index < input.count {
                let byte = input[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return
                case UInt8(ascii: "\\"):
                    try parseEscape()
                default:
                    storage.append(byte)
                }
            }
            throw violation("unterminated string")
        }

        private mutating func parseEscape() throws(ESLError) {
            guard index < input.count else { throw violation("unterminated escape") }
            let byte = input[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): storage.append(byte)
            case UInt8(ascii: "b"): storage.append(0x08)
            case UInt8(ascii: "f"): storage.append(0x0C)
            case UInt8(ascii: "n"): storage.append(0x0A)
            case UInt8(ascii: "r"): storage.append(0x0D)
            case UInt8(ascii: "t"): storage.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try parseHex4()
                if (0xD800..<0xDC00).contains(scalar), input[index...].starts(with: Array("\\u".utf8)) {
                    index += 2
                    let low = try parseHex4()
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                }
                let character = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                storage.append(contentsOf: String(character).utf8)
            default:
                throw violation("bad escape \\\(Character(Unicode.Scalar(byte)))")
            }
        }

        private mutating func parseHex4() throws(ESLError) -> UInt32 {
            guard index + 4 <= input.count else { throw violation("short \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = input[index]
                index += 1
                let digit: UInt32
                switch byte {
                case 0x30...0x39: digit = UInt32(byte - 0x30)
                case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
                default: throw violation("bad hex digit in \\u escape")
                }
                value = value << 4 | digit
            }
            return value
        }

        private func isDelimiter(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]")
                || byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
        }

        private func peek() -> UInt8? { index < input.count ? input[index] : nil }

        private mutating func skipSpace() {
            while index < input.count, [0x20, 0x0A, 0x0D, 0x09].contains(input[index]) { index += 1 }
        }

        private mutating func expect(_ byte: UInt8) throws(ESLError) {
            guard peek() == byte else {
                throw violation("expected '\(Character(Unicode.Scalar(byte)))' at byte \(index)")
            }
            index += 1
        }

        private func violation(_ what: String) -> ESLError {
            .protocolViolation("malformed JSON event: \(what)")
        }
    }
}
