/// A small JSON5 reader (https://spec.json5.org) that keeps what a profile's error
/// messages and semantics need: the position of every value, object keys in the order
/// written, and duplicate keys refused.
///
/// Why not Foundation: on this toolchain's Linux Foundation, `JSONSerialization` has no
/// `.json5Allowed`, and `JSONDecoder.allowsJSON5` parses JSON5 but reports every syntax
/// error as "not valid JSON" with no line or column, silently keeps one of two duplicate
/// keys, and loses key order (which `call.variables` needs).
///
/// Accepted: `//` and `/* */` comments; trailing commas; unquoted (identifier) keys;
/// single- or double-quoted strings with JSON5 escapes and line continuations; numbers
/// with a leading or trailing dot, a leading `+`, hexadecimal, `Infinity` and `NaN`.
enum JSON5 {
    /// A parsed value and where it starts in the text (1-based line and column).
    struct Node: Sendable {
        var value: Value
        var line: Int
        var column: Int
    }

    /// A JSON5 value; objects keep their keys in the order written.
    indirect enum Value: Sendable {
        case null
        case bool(Bool)
        /// The number and its text as written (for messages about huge numbers).
        case number(Double, text: String)
        case string(String)
        case array([Node])
        case object([(key: String, node: Node)])
    }

    /// A syntax error at a position (1-based).
    struct SyntaxError: Error, Equatable {
        var line: Int
        var column: Int
        var message: String
    }

    /// Deepest nesting accepted, so hostile input cannot exhaust the stack.
    static let maximumDepth = 64

    /// Parses one JSON5 document.
    static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> Node {
        var parser = Parser(bytes: bytes)
        try parser.skipSpace()
        guard parser.index < bytes.count else {
            throw parser.error("the file is empty; expected a JSON5 object such as { name: \"demo\", … }")
        }
        let node = try parser.value(depth: 0)
        try parser.skipSpace()
        guard parser.index == bytes.count else {
            throw parser.error("unexpected \(parser.describeCurrent()) after the end of the document")
        }
        return node
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0
        var line = 1
        var lineStart = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        var column: Int { index - lineStart + 1 }

        func error(_ message: String) -> SyntaxError {
            SyntaxError(line: line, column: column, message: message)
        }

        func describeCurrent() -> String {
            guard index < bytes.count else { return "end of file" }
            let byte = bytes[index]
            if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
            return "byte 0x\(String(byte, radix: 16, uppercase: true))"
        }

        mutating func advance() {
            if bytes[index] == UInt8(ascii: "\n") {
                line += 1
                lineStart = index + 1
            }
            index += 1
        }

        mutating func skipSpace() throws(SyntaxError) {
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D:
                    advance()
                case 0xC2 where index + 1 < bytes.count && bytes[index + 1] == 0xA0:  // no-break space
                    index += 2
                case 0xEF where index + 2 < bytes.count && bytes[index + 1] == 0xBB && bytes[index + 2] == 0xBF:  // BOM
                    index += 3
                case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "/"):
                    while index < bytes.count && bytes[index] != 0x0A { advance() }
                case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
                    let start = error("")
                    index += 2
                    while true {
                        guard index + 1 < bytes.count else {
                            throw SyntaxError(line: start.line, column: start.column, message: "unterminated /* comment")
                        }
                        if bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/") {
                            index += 2
                            break
                        }
                        advance()
                    }
                default:
                    return
                }
            }
        }

        mutating func value(depth: Int) throws(SyntaxError) -> Node {
            guard depth < JSON5.maximumDepth else { throw error("nested deeper than \(JSON5.maximumDepth) levels") }
            guard index < bytes.count else { throw error("unexpected end of file; expected a value") }
            let (line, column) = (self.line, self.column)
            let value: Value
            switch bytes[index] {
            case UInt8(ascii: "{"): value = try object(depth: depth)
            case UInt8(ascii: "["): value = try array(depth: depth)
            case UInt8(ascii: "\""), UInt8(ascii: "'"): value = .string(try string())
            case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = try number()
            default:
                let word = identifier()
                switch word {
                case "true": value = .bool(true)
                case "false": value = .bool(false)
                case "null": value = .null
                case "Infinity": value = .number(.infinity, text: word)
                case "NaN": value = .number(.nan, text: word)
                case "": throw error("unexpected \(describeCurrent()); expected a value")
                default:
                    throw SyntaxError(
                        line: line, column: column,
                        message: "unexpected word '\(word)'; expected a value (put text in quotes)")
                }
            }
            return Node(value: value, line: line, column: column)
        }

        mutating func object(depth: Int) throws(SyntaxError) -> Value {
            advance()  // {
            var members: [(key: String, node: Node)] = []
            var seen: Set<String> = []
            while true {
                try skipSpace()
                guard index < bytes.count else { throw error("unexpected end of file; expected '}'") }
                if bytes[index] == UInt8(ascii: "}") {
                    advance()
                    return .object(members)
                }
                let (keyLine, keyColumn) = (line, column)
                let key: String
                if bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") {
                    key = try string()
                } else {
                    key = identifier()
                    guard !key.isEmpty else { throw error("unexpected \(describeCurrent()); expected a key or '}'") }
                }
                guard seen.insert(key).inserted else {
                    throw SyntaxError(line: keyLine, column: keyColumn, message: "duplicate key '\(key)'")
                }
                try skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                    throw error("unexpected \(describeCurrent()); expected ':' after key '\(key)'")
                }
                advance()
                try skipSpace()
                members.append((key, try value(depth: depth + 1)))
                try skipSpace()
                guard index < bytes.count else { throw error("unexpected end of file; expected ',' or '}'") }
                if bytes[index] == UInt8(ascii: ",") {
                    advance()
                } else if bytes[index] != UInt8(ascii: "}") {
                    throw error("unexpected \(describeCurrent()); expected ',' or '}'")
                }
            }
        }

        mutating func array(depth: Int) throws(SyntaxError) -> Value {
            advance()  // [
            var elements: [Node] = []
            while true {
                try skipSpace()
                guard index < bytes.count else { throw error("unexpected end of file; expected ']'") }
                if bytes[index] == UInt8(ascii: "]") {
                    advance()
                    return .array(elements)
                }
                elements.append(try value(depth: depth + 1))
                try skipSpace()
                guard index < bytes.count else { throw error("unexpected end of file; expected ',' or ']'") }
                if bytes[index] == UInt8(ascii: ",") {
                    advance()
                } else if bytes[index] != UInt8(ascii: "]") {
                    throw error("unexpected \(describeCurrent()); expected ',' or ']'")
                }
            }
        }

        /// An identifier key or bare word: ASCII letters, digits, `_` and `$`, plus any
        /// non-ASCII bytes (JSON5 allows Unicode letters; we do not check their class).
        mutating func identifier() -> String {
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                let isWord =
                    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                    || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") && index > start)
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "$") || byte >= 0x80
                guard isWord else { break }
                index += 1
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func string() throws(SyntaxError) -> String {
            let quote = bytes[index]
            let start = error("")
            advance()
            var out: [UInt8] = []
            while true {
                guard index < bytes.count else {
                    throw SyntaxError(line: start.line, column: start.column, message: "unterminated string")
                }
                let byte = bytes[index]
                if byte == quote {
                    advance()
                    break
                }
                if byte == 0x0A || byte == 0x0D {
                    throw error("line break inside a string (end the string, or escape the line break with '\\')")
                }
                guard byte == UInt8(ascii: "\\") else {
                    out.append(byte)
                    index += 1
                    continue
                }
                index += 1
                guard index < bytes.count else { continue }
                let escaped = bytes[index]
                switch escaped {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "v"): out.append(0x0B)
                case UInt8(ascii: "0"): out.append(0x00)
                case 0x0A:  // line continuation
                    advance()
                    continue
                case 0x0D:
                    index += 1
                    if index < bytes.count && bytes[index] == 0x0A { advance() }
                    continue
                case UInt8(ascii: "x"), UInt8(ascii: "u"):
                    let digits = escaped == UInt8(ascii: "x") ? 2 : 4
                    guard index + digits < bytes.count,
                        let code = UInt32(String(decoding: bytes[(index + 1)...(index + digits)], as: UTF8.self), radix: 16),
                        let scalar = Unicode.Scalar(code)
                    else { throw error("bad \\\(Character(Unicode.Scalar(escaped))) escape in a string") }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                    index += digits
                default: out.append(escaped)
                }
                index += 1
            }
            return String(decoding: out, as: UTF8.self)
        }

        mutating func number() throws(SyntaxError) -> Value {
            let start = index
            var negative = false
            if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                negative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            let word = identifier()
            if word == "Infinity" || word == "NaN" {
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                return .number(word == "NaN" ? .nan : (negative ? -.infinity : .infinity), text: text)
            }
            index -= word.utf8.count
            if index + 1 < bytes.count && bytes[index] == UInt8(ascii: "0")
                && (bytes[index + 1] | 0x20) == UInt8(ascii: "x")
            {
                index += 2
                let digitsStart = index
                while index < bytes.count, Character(Unicode.Scalar(bytes[index])).isHexDigit { index += 1 }
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                guard let magnitude = UInt64(String(decoding: bytes[digitsStart..<index], as: UTF8.self), radix: 16)
                else { throw error("bad hexadecimal number '\(text)'") }
                return .number(negative ? -Double(magnitude) : Double(magnitude), text: text)
            }
            while index < bytes.count {
                let byte = bytes[index]
                let isNumberByte =
                    (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: ".")
                    || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
                    || ((byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-"))
                        && (bytes[index - 1] | 0x20) == UInt8(ascii: "e"))
                guard isNumberByte else { break }
                index += 1
            }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            var parseable = text.hasPrefix("+") ? String(text.dropFirst()) : text
            // Swift's Double(_:) wants digits around the dot; JSON5 allows `.5` and `5.`.
            parseable = parseable.replacingOccurrences(of: "-.", with: "-0.")
            if parseable.hasPrefix(".") { parseable = "0" + parseable }
            parseable = parseable.replacingOccurrences(of: ".e", with: ".0e").replacingOccurrences(of: ".E", with: ".0E")
            if parseable.hasSuffix(".") { parseable += "0" }
            guard let number = Double(parseable), !parseable.contains("..") else {
                index = start
                throw error("bad number '\(text)'")
            }
            return .number(number, text: text)
        }
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
